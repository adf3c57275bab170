import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningGateway } from '../../../src/server.js';
import { SEEDED_ORDER_IDS } from '../../../src/vendors/nfctagify/sandbox.js';
import { startStack } from '../../support/stack.js';
import type { GraphQLResponse, TestStack } from '../../support/stack.js';

const GET = `query ($id: ID!) { cardOrder(id: $id) { id } }`;
const GET_ROUTE = 'GET /api/partner/orders/:order_id';
const CREATE = `mutation ($input: CardOrderInput!) {
  createCardOrder(input: $input) { cardOrder { id } userErrors { code field message } } }`;

/** NFC Tagify attempts the gateway made, by HTTP status, from its own `gateway_vendor_requests_total`. */
async function vendorStatuses(gateway: RunningGateway): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { labels, value } of (await gateway.metrics.vendorRequests.get()).values) {
    if (labels.vendor !== 'nfc_tagify') continue;
    const status = String(labels.status);
    counts[status] = (counts[status] ?? 0) + value;
  }
  return counts;
}

type Get = GraphQLResponse<{ cardOrder: { id: string } | null }>;

function rateLimited(response: Get | GraphQLResponse): { retryAfterSeconds: number; message: string } {
  assert.equal(response.status, 200);
  const [error, ...more] = response.body.errors ?? [];
  assert.ok(error, `expected RATE_LIMITED, got ${JSON.stringify(response.body)}`);
  assert.deepEqual(more, []);
  assert.equal(error.extensions?.code, 'RATE_LIMITED');
  const retryAfterSeconds = error.extensions?.retryAfterSeconds;
  assert.equal(typeof retryAfterSeconds, 'number');
  assert.match(
    error.message,
    new RegExp(`^NFC Tagify is rate limiting requests; retry in ${String(retryAfterSeconds)} s\\.$`),
  );
  return { retryAfterSeconds: retryAfterSeconds as number, message: error.message };
}

/**
 * A sandbox clock that runs with real time from a chosen instant, so a test can place itself a few seconds
 * before the vendor's minute window ends and still let that window end.
 */
function movableClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    setTo: (iso: string) => {
      offset = Date.parse(iso) - Date.now();
    },
  };
}

describe('NFC Tagify pacing: the gateway keeps below a budget smaller than the vendor’s', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startStack({
      seed: true,
      sandboxes: { nfcTagify: { requestsPerMinute: 10 } },
      env: { NFC_TAGIFY_REQUESTS_PER_MINUTE: '5' },
    });
  });
  after(async () => {
    await stack.close();
  });

  it('answers a burst within the budget and refuses the rest with RATE_LIMITED, never drawing a vendor 429', async () => {
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        stack.gql<{ cardOrder: { id: string } | null }>(GET, { id: SEEDED_ORDER_IDS[index] }),
      ),
    );
    const answered = burst.filter((response) => response.body.errors === undefined);
    assert.equal(answered.length, 5);
    for (const response of answered) assert.match(response.body.data?.cardOrder?.id ?? '', /^ord_seed/);
    const refused = burst.filter((response) => response.body.errors !== undefined);
    assert.equal(refused.length, 7);
    for (const response of refused) {
      const { retryAfterSeconds } = rateLimited(response);
      // The first of the five leaves the one-minute window within a minute.
      assert.ok(retryAfterSeconds >= 1 && retryAfterSeconds <= 60, String(retryAfterSeconds));
      assert.deepEqual(response.body.data, { cardOrder: null });
    }
    assert.deepEqual(await vendorStatuses(stack.gateway), { '200': 5 });
    assert.equal(stack.nfcTagify.requestCounts()[GET_ROUTE], 5);
  });
});

describe('NFC Tagify pacing: a vendor 429 with a short Retry-After is waited out', () => {
  let stack: TestStack;
  const clock = movableClock();

  before(async () => {
    stack = await startStack({
      seed: true,
      now: clock.now,
      sandboxes: { nfcTagify: { requestsPerMinute: 3 } },
      env: { NFC_TAGIFY_REQUESTS_PER_MINUTE: '1000' },
    });
  });
  after(async () => {
    await stack.close();
  });

  it('pauses every call until the vendor’s window ends, then answers them all, with a single 429', async () => {
    // 2.5 s before the vendor's minute ends: the fourth call meets a 429 with Retry-After 3 (or 2).
    clock.setTo('2026-12-01T10:00:57.500Z');
    for (const id of SEEDED_ORDER_IDS.slice(0, 3)) {
      const response = await stack.gql(GET, { id });
      assert.equal(response.body.errors, undefined);
    }
    const started = Date.now();
    const fourth = stack.gql<{ cardOrder: { id: string } | null }>(GET, { id: SEEDED_ORDER_IDS[3] });
    while ((await vendorStatuses(stack.gateway))['429'] !== 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Sent while the gateway holds back: it waits in the pacer instead of drawing a 429 of its own.
    const fifth = await stack.gql(GET, { id: SEEDED_ORDER_IDS[4] });
    const fourthDone = await fourth;
    assert.deepEqual(fourthDone.body, { data: { cardOrder: { id: SEEDED_ORDER_IDS[3] } } });
    assert.deepEqual(fifth.body, { data: { cardOrder: { id: SEEDED_ORDER_IDS[4] } } });
    assert.ok(Date.now() - started >= 1_500, `answered after ${Date.now() - started} ms`);
    assert.deepEqual(await vendorStatuses(stack.gateway), { '200': 5, '429': 1 });
  });
});

describe('NFC Tagify pacing: a vendor 429 with a long Retry-After', () => {
  let stack: TestStack;
  const clock = movableClock();

  before(async () => {
    stack = await startStack({
      seed: true,
      now: clock.now,
      sandboxes: { nfcTagify: { requestsPerMinute: 3 } },
      env: { NFC_TAGIFY_REQUESTS_PER_MINUTE: '1000' },
    });
  });
  after(async () => {
    await stack.close();
  });

  it('is RATE_LIMITED with the vendor’s delay, and later calls are refused without reaching the vendor', async () => {
    clock.setTo('2026-12-01T10:00:10.000Z');
    for (const id of SEEDED_ORDER_IDS.slice(0, 3)) {
      const response = await stack.gql(GET, { id });
      assert.equal(response.body.errors, undefined);
    }
    const started = Date.now();
    const limited = rateLimited(await stack.gql(GET, { id: SEEDED_ORDER_IDS[3] }));
    assert.ok(Date.now() - started < 1_000, 'a 50 s wait is not waited for');
    assert.ok(
      limited.retryAfterSeconds >= 48 && limited.retryAfterSeconds <= 50,
      String(limited.retryAfterSeconds),
    );

    const afterwards = rateLimited(await stack.gql(GET, { id: SEEDED_ORDER_IDS[4] }));
    assert.ok(afterwards.retryAfterSeconds <= limited.retryAfterSeconds);
    assert.ok(afterwards.retryAfterSeconds >= limited.retryAfterSeconds - 2);
    assert.deepEqual(await vendorStatuses(stack.gateway), { '200': 3, '429': 1 });
    assert.equal(stack.nfcTagify.requestCounts()[GET_ROUTE], 4);
  });
});

describe('NFC Tagify daily order limit', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startStack({
      // Two hours before midnight UTC, on a clock that stands still.
      now: () => new Date('2026-06-01T22:00:00Z'),
      sandboxes: { nfcTagify: { ordersPerDay: 1, requestsPerMinute: 1000 } },
      env: { NFC_TAGIFY_REQUESTS_PER_MINUTE: '1000' },
    });
  });
  after(async () => {
    await stack.close();
  });

  const input = (reference: string) => ({
    productId: 'prod_abc123',
    quantity: 1,
    customerReference: reference,
    shipping: { name: 'N', addressLine1: 'A', city: 'C', postcode: 'P', country: 'GB' },
  });

  it('turns DAILY_ORDER_LIMIT into RATE_LIMITED until midnight, while reads go on', async () => {
    const first = await stack.gql<{ createCardOrder: { cardOrder: { id: string } } }>(CREATE, {
      input: input('DAILY-1'),
    });
    assert.equal(first.body.errors, undefined);
    const id = first.body.data?.createCardOrder.cardOrder.id;
    assert.ok(id);

    const second = await stack.gql(CREATE, { input: input('DAILY-2') });
    assert.deepEqual(rateLimited(second).retryAfterSeconds, 7_200);
    assert.equal(second.body.data, null);

    // The quota holds back creates only: a read right after it still reaches the vendor.
    const read = await stack.gql(GET, { id });
    assert.deepEqual(read.body, { data: { cardOrder: { id } } });
    assert.equal(rateLimited(await stack.gql(CREATE, { input: input('DAILY-3') })).retryAfterSeconds, 7_200);
    assert.equal((await vendorStatuses(stack.gateway))['429'], 2);
  });
});
