import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RunningGateway } from '../../src/server.js';
import { PartnerOrdersRequestError } from '../../src/vendors/partnerorders/client.js';
import { PO_ORDER_PATH, PO_TOKEN_PATH } from '../../src/vendors/partnerorders/contract.js';
import { inputPath, moneyFromMinor, userErrorsFromVendor } from '../../src/vendors/partnerorders/mappers.js';
import { DOC_CUSTOMER_EMAIL, DOC_OWNER } from '../../src/vendors/partnerorders/sandbox.js';
import type { Transport, TransportResponse } from '../../src/vendors/transport.js';
import { scratchSchema } from '../support/postgres.js';
import type { ScratchSchema } from '../support/postgres.js';
import { TEST_API_KEY, startStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { callsSince, upstreamCalls } from '../support/upstream-calls.js';

const OTHER_API_KEY = 'another-client-key-9876543210';

const MONEY = 'amount currency';
const PREVIEW = `query ($input: SubscriptionOrderInput!) {
  subscriptionOrderPreview(input: $input) {
    total { ${MONEY} } subtotal { ${MONEY} } tax { ${MONEY} } taxRate billingProvider
    lines { planId description quantity unitAmount { ${MONEY} } amount { ${MONEY} } tax { ${MONEY} } interval }
    billingSchedule { date amount { ${MONEY} } } } }`;
const SUBMIT = `mutation ($input: SubscriptionOrderInput!, $key: String!) {
  submitSubscriptionOrder(input: $input, idempotencyKey: $key) {
    order { id orderReference status externalId subscriptionReference owner }
    userErrors { field message code } } }`;

interface OrderShape {
  id: string;
  orderReference: string;
  status: string;
  externalId: string | null;
  subscriptionReference: string;
  owner: string;
}
interface Payload {
  order: OrderShape | null;
  userErrors: { field: string[] | null; message: string; code: string }[];
}
type SubmitData = { submitSubscriptionOrder: Payload };

const gbp = (amount: number) => ({ amount, currency: 'GBP' });

/** 2 × Basic monthly + 1 × Pro yearly, the vendor README's example order. */
function orderInput(overrides: Record<string, unknown> = {}) {
  return {
    externalId: 'EXT-ORD-12345',
    customerEmail: DOC_CUSTOMER_EMAIL,
    customerName: 'Jane Doe',
    lines: [
      { planId: 'plan-basic-monthly', quantity: 2 },
      { planId: 'plan-pro-yearly', quantity: 1 },
    ],
    ...overrides,
  };
}

/**
 * The README's preview example on the sandbox's 31 January: 9.99 × 2 + 199.00 before 20 % VAT, the monthly part
 * again on the same day of each later month, clamped to the month end.
 */
const MONTH_ENDS = [
  '02-28',
  '03-31',
  '04-30',
  '05-31',
  '06-30',
  '07-31',
  '08-31',
  '09-30',
  '10-31',
  '11-30',
  '12-31',
];
const EXPECTED_PREVIEW = {
  total: gbp(262.78),
  subtotal: gbp(218.98),
  tax: gbp(43.8),
  taxRate: 20,
  billingProvider: 'stripe',
  lines: [
    {
      planId: 'plan-basic-monthly',
      description: '2 × Basic (at GBP 9.99 / month)',
      quantity: 2,
      unitAmount: gbp(9.99),
      amount: gbp(19.98),
      tax: gbp(4),
      interval: 'MONTH',
    },
    {
      planId: 'plan-pro-yearly',
      description: '1 × Pro (annual) (at GBP 199.00 / year)',
      quantity: 1,
      unitAmount: gbp(199),
      amount: gbp(199),
      tax: gbp(39.8),
      interval: 'YEAR',
    },
  ],
  billingSchedule: [
    { date: '2026-01-31', amount: gbp(262.78) },
    ...MONTH_ENDS.map((day) => ({ date: `2026-${day}`, amount: gbp(23.98) })),
  ],
};

/** Partner Orders attempts by operation and status, from the gateway's own counter. */
async function partnerOrdersAttempts(gateway: RunningGateway): Promise<Record<string, number>> {
  const metric = await gateway.metrics.vendorRequests.get();
  const counts: Record<string, number> = {};
  for (const sample of metric.values) {
    if (sample.labels.vendor !== 'partner_orders') continue;
    const key = `${String(sample.labels.operation)} ${String(sample.labels.status)}`;
    counts[key] = (counts[key] ?? 0) + sample.value;
  }
  return counts;
}

/** What `/metrics` says about token calls: the samples whose operation label contains `token`. */
async function tokenCallsInMetrics(stack: TestStack): Promise<number> {
  const text = await (await fetch(`${stack.origin}/metrics`)).text();
  return text
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('gateway_vendor_requests_total{') &&
        line.includes('vendor="partner_orders"') &&
        /operation="[^"]*token[^"]*"/i.test(line),
    )
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Faults {
  /** Token requests answered 503 by the "network" before reaching the sandbox. */
  tokenUnavailable: number;
  /** Submits delivered to the sandbox whose answer is then lost (connection reset). */
  loseSubmitAnswer: number;
}

function faulty(inner: Transport, faults: Faults): Transport {
  const unavailable: TransportResponse = { status: 503, header: () => null, text: () => Promise.resolve('') };
  return {
    async send(request) {
      const path = new URL(request.url).pathname;
      if (path === PO_TOKEN_PATH && faults.tokenUnavailable > 0) {
        faults.tokenUnavailable -= 1;
        return unavailable;
      }
      if (path === PO_ORDER_PATH && request.method === 'POST' && faults.loseSubmitAnswer > 0) {
        faults.loseSubmitAnswer -= 1;
        await (await inner.send(request)).text();
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return inner.send(request);
    },
    close: () => inner.close(),
  };
}

describe('subscription orders through the gateway over HTTP', () => {
  let stack: TestStack;
  const faults: Faults = { tokenUnavailable: 0, loseSubmitAnswer: 0 };

  before(async () => {
    stack = await startStack({
      seed: true,
      env: { GATEWAY_API_KEYS: `${TEST_API_KEY},${OTHER_API_KEY}` },
      sandboxes: { partnerOrders: { now: () => new Date('2026-01-31T10:00:00Z') } },
      wrapTransport: (inner) => faulty(inner, faults),
    });
  });
  after(async () => {
    await stack.close();
  });

  async function submit(input: Record<string, unknown>, key: string, apiKey = TEST_API_KEY) {
    return stack.gql<SubmitData>(SUBMIT, { input, key }, { authorization: `Bearer ${apiKey}` });
  }

  async function submitted(
    input: Record<string, unknown>,
    key: string,
    apiKey = TEST_API_KEY,
  ): Promise<Payload> {
    const response = await submit(input, key, apiKey);
    assert.equal(response.status, 200);
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    const payload = response.body.data?.submitSubscriptionOrder;
    assert.ok(payload);
    return payload;
  }

  it('prices ten previews at once on a cold cache with exactly one token request', async () => {
    assert.equal(stack.partnerOrders.tokenRequests(), 0, 'no token before the first use');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => stack.gql(PREVIEW, { input: orderInput() })),
    );
    for (const response of responses) {
      assert.deepEqual(response.body, { data: { subscriptionOrderPreview: EXPECTED_PREVIEW } });
    }
    assert.equal(stack.partnerOrders.tokenRequests(), 1);
    assert.deepEqual(await partnerOrdersAttempts(stack.gateway), {
      'oauthToken 200': 1,
      'previewOrder 200': 10,
    });
    assert.equal(await tokenCallsInMetrics(stack), 1);

    // Cached: the next operation asks for no token.
    await stack.gql(PREVIEW, { input: orderInput() });
    assert.equal(stack.partnerOrders.tokenRequests(), 1);
  });

  it('answers an invalid preview input with BAD_USER_INPUT naming the field, without calling the vendor', async () => {
    const before = await upstreamCalls(stack.gateway);
    const response = await stack.gql(PREVIEW, {
      input: orderInput({ lines: [{ planId: 'plan-basic-monthly', quantity: 0 }] }),
    });
    assert.deepEqual(response.body.data, { subscriptionOrderPreview: null });
    assert.equal(response.body.errors?.length, 1);
    const [error] = response.body.errors ?? [];
    assert.equal(error?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(error?.extensions?.field, 'input.lines.0.quantity');
    assert.match(error?.message ?? '', /^lines\.0\.quantity: /);
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});
  });

  it('answers an unknown plan in a preview with BAD_USER_INPUT naming its planId', async () => {
    const response = await stack.gql(PREVIEW, {
      input: orderInput({
        lines: [
          { planId: 'plan-basic-monthly', quantity: 1 },
          { planId: 'plan-gold-weekly', quantity: 1 },
        ],
      }),
    });
    assert.deepEqual(response.body.data, { subscriptionOrderPreview: null });
    const [error] = response.body.errors ?? [];
    assert.equal(error?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(error?.extensions?.field, 'input.lines.1.planId');
    assert.equal(error?.message, 'lines.1.planId: plan plan-gold-weekly does not exist');
  });

  it('retries a preview the billing provider failed with 502', async () => {
    stack.partnerOrders.injectBillingFailures(1, 'preview');
    const before = await partnerOrdersAttempts(stack.gateway);
    const response = await stack.gql(PREVIEW, { input: orderInput() });
    assert.deepEqual(response.body, { data: { subscriptionOrderPreview: EXPECTED_PREVIEW } });
    assert.deepEqual(callsSince(before, await partnerOrdersAttempts(stack.gateway)), {
      'previewOrder 502': 1,
      'previewOrder 200': 1,
    });
  });

  it('after the vendor revokes its tokens refreshes once and replays once', async () => {
    stack.partnerOrders.revokeTokens();
    const tokensBefore = stack.partnerOrders.tokenRequests();
    const before = await partnerOrdersAttempts(stack.gateway);
    const responses = await Promise.all(
      Array.from({ length: 3 }, () => stack.gql(PREVIEW, { input: orderInput() })),
    );
    for (const response of responses) {
      assert.deepEqual(response.body, { data: { subscriptionOrderPreview: EXPECTED_PREVIEW } });
    }
    assert.equal(stack.partnerOrders.tokenRequests(), tokensBefore + 1, 'one refresh for all three');
    assert.deepEqual(callsSince(before, await partnerOrdersAttempts(stack.gateway)), {
      'previewOrder 401': 3,
      'oauthToken 200': 1,
      'previewOrder 200': 3,
    });
  });

  it('retries a token request the network answered 503', async () => {
    stack.partnerOrders.revokeTokens();
    faults.tokenUnavailable = 1;
    const before = await partnerOrdersAttempts(stack.gateway);
    const response = await stack.gql(PREVIEW, { input: orderInput() });
    assert.deepEqual(response.body, { data: { subscriptionOrderPreview: EXPECTED_PREVIEW } });
    assert.equal(faults.tokenUnavailable, 0);
    assert.deepEqual(callsSince(before, await partnerOrdersAttempts(stack.gateway)), {
      'previewOrder 401': 1,
      'oauthToken 503': 1,
      'oauthToken 200': 1,
      'previewOrder 200': 1,
    });
  });

  it('submits an order, and the same key with the same input again answers it without a second order', async () => {
    const ordersBefore = stack.partnerOrders.orders().length;
    const key = randomUUID();
    const first = await submitted(orderInput(), key);
    assert.deepEqual(first.userErrors, []);
    const placed = stack.partnerOrders.orders().at(-1);
    assert.ok(placed);
    assert.deepEqual(first.order, {
      id: placed.response.id,
      orderReference: placed.response.order_reference,
      status: 'COMPLETE',
      externalId: 'EXT-ORD-12345',
      subscriptionReference: placed.response.subscriptionReference,
      owner: DOC_OWNER,
    });
    assert.deepEqual(placed.customer, { email: DOC_CUSTOMER_EMAIL, name: 'Jane Doe' });
    assert.deepEqual(placed.lines, [
      { plan_id: 'plan-basic-monthly', quantity: 2 },
      { plan_id: 'plan-pro-yearly', quantity: 1 },
    ]);

    const before = await upstreamCalls(stack.gateway);
    const again = await submitted(orderInput(), key);
    assert.deepEqual(again, first);
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {}, 'answered from the record');
    assert.equal(stack.partnerOrders.orders().length, ordersBefore + 1);
  });

  it('refuses the same key with another input as DUPLICATE, and keeps keys apart per API key', async () => {
    const key = randomUUID();
    const first = await submitted(orderInput(), key);
    assert.ok(first.order);
    const ordersBefore = stack.partnerOrders.orders().length;

    const other = await submitted(orderInput({ lines: [{ planId: 'plan-team-monthly', quantity: 3 }] }), key);
    assert.equal(other.order, null);
    assert.deepEqual(
      other.userErrors.map(({ field, code }) => ({ field, code })),
      [{ field: ['idempotencyKey'], code: 'DUPLICATE' }],
    );
    assert.match(other.userErrors[0]?.message ?? '', /already used for a different order/);
    assert.equal(stack.partnerOrders.orders().length, ordersBefore);

    // Another client's identical key is its own.
    const theirs = await submitted(orderInput(), key, OTHER_API_KEY);
    assert.deepEqual(theirs.userErrors, []);
    assert.notEqual(theirs.order?.id, first.order.id);
    assert.equal(stack.partnerOrders.orders().length, ordersBefore + 1);
  });

  it('places one order for five identical submissions sent at once', async () => {
    const ordersBefore = stack.partnerOrders.orders().length;
    const key = randomUUID();
    const payloads = await Promise.all(Array.from({ length: 5 }, () => submitted(orderInput(), key)));
    assert.equal(stack.partnerOrders.orders().length, ordersBefore + 1);
    assert.ok(payloads[0]?.order);
    for (const payload of payloads) assert.deepEqual(payload, payloads[0]);
    assert.equal(payloads[0].order.id, stack.partnerOrders.orders().at(-1)?.response.id);
  });

  it('does not repeat a submit the billing provider failed with 502; the retry with the same key places it', async () => {
    const ordersBefore = stack.partnerOrders.orders().length;
    const key = randomUUID();
    stack.partnerOrders.injectBillingFailures(1, 'submit');
    const before = await partnerOrdersAttempts(stack.gateway);
    const failed = await submit(orderInput(), key);
    assert.equal(failed.body.data, null);
    assert.equal(failed.body.errors?.length, 1);
    assert.equal(failed.body.errors?.[0]?.extensions?.code, 'UPSTREAM_UNAVAILABLE');
    assert.deepEqual(callsSince(before, await partnerOrdersAttempts(stack.gateway)), {
      'submitOrder 502': 1,
    });
    assert.equal(stack.partnerOrders.orders().length, ordersBefore);

    const retried = await submitted(orderInput(), key);
    assert.deepEqual(retried.userErrors, []);
    assert.equal(retried.order?.id, stack.partnerOrders.orders().at(-1)?.response.id);
    assert.equal(stack.partnerOrders.orders().length, ordersBefore + 1);
  });

  it('never sends again a submit whose answer was lost: the retry says the outcome is unknown', async () => {
    const ordersBefore = stack.partnerOrders.orders().length;
    const key = randomUUID();
    faults.loseSubmitAnswer = 1;
    const lost = await submit(orderInput(), key);
    assert.equal(faults.loseSubmitAnswer, 0);
    assert.equal(lost.body.errors?.[0]?.extensions?.code, 'UPSTREAM_UNAVAILABLE');
    assert.equal(stack.partnerOrders.orders().length, ordersBefore + 1, 'the vendor did place it');

    const before = await upstreamCalls(stack.gateway);
    const retried = await submitted(orderInput(), key);
    assert.equal(retried.order, null);
    assert.deepEqual(
      retried.userErrors.map(({ field, code }) => ({ field, code })),
      [{ field: ['idempotencyKey'], code: 'INVALID_STATE' }],
    );
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});
    assert.equal(stack.partnerOrders.orders().length, ordersBefore + 1, 'no second order');
  });

  it('answers invalid input with VALIDATION user errors naming each field, without calling the vendor', async () => {
    const before = await upstreamCalls(stack.gateway);
    const payload = await submitted(
      orderInput({
        externalId: '',
        customerEmail: 'not-an-email',
        lines: [
          { planId: 'plan-basic-monthly', quantity: 0 },
          { planId: 'plan-basic-monthly', quantity: 1001 },
        ],
      }),
      '',
    );
    assert.equal(payload.order, null);
    assert.deepEqual(payload.userErrors.map(({ field, code }) => `${code} ${field?.join('.')}`).sort(), [
      'VALIDATION idempotencyKey',
      'VALIDATION input.customerEmail',
      'VALIDATION input.externalId',
      'VALIDATION input.lines',
      'VALIDATION input.lines.0.quantity',
      'VALIDATION input.lines.1.quantity',
    ]);
    assert.ok(
      payload.userErrors.some(
        (error) => error.message === 'lines.0.quantity: quantity must not be less than 1',
      ),
      JSON.stringify(payload.userErrors),
    );
    const empty = await submitted(orderInput({ lines: [] }), randomUUID());
    assert.deepEqual(
      empty.userErrors.map(({ field, code }) => ({ field, code })),
      [{ field: ['input', 'lines'], code: 'VALIDATION' }],
    );
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});
  });

  it('answers an unknown plan as NOT_FOUND on its planId, and frees the key for the corrected order', async () => {
    const key = randomUUID();
    const ordersBefore = stack.partnerOrders.orders().length;
    const wrong = await submitted(orderInput({ lines: [{ planId: 'plan-gold-weekly', quantity: 1 }] }), key);
    assert.deepEqual(wrong, {
      order: null,
      userErrors: [
        {
          field: ['input', 'lines', '0', 'planId'],
          message: 'lines.0.planId: plan plan-gold-weekly does not exist',
          code: 'NOT_FOUND',
        },
      ],
    });
    const fixed = await submitted(orderInput(), key);
    assert.deepEqual(fixed.userErrors, []);
    assert.equal(stack.partnerOrders.orders().length, ordersBefore + 1);
  });

  it('never logs the client secret or a token', () => {
    const logs = stack.logs.join('');
    assert.ok(logs.length > 0);
    assert.ok(!logs.includes(stack.endpoints.partnerOrders.clientSecret));
    assert.doesNotMatch(logs, /access_token|Bearer |Basic /);
  });
});

describe('subscription order tokens near their expiry', () => {
  let stack: TestStack;
  before(async () => {
    // Two-second tokens on the real clock: the gateway's margin is 10 % (0.2 s).
    stack = await startStack({ sandboxes: { partnerOrders: { tokenTtlSeconds: 2 } } });
  });
  after(async () => {
    await stack.close();
  });

  it('fetches a new token before the old one expires, so no call meets an expired token', async () => {
    const started = Date.now();
    const preview = async () => {
      const response = await stack.gql(PREVIEW, { input: orderInput() });
      assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    };
    await preview();
    assert.equal(stack.partnerOrders.tokenRequests(), 1);
    await sleep(1_000 - (Date.now() - started));
    await preview();
    assert.equal(stack.partnerOrders.tokenRequests(), 1, 'still well within its life');
    // 1.9 s in: the token is valid for another 0.1 s, but inside the margin.
    await sleep(1_900 - (Date.now() - started));
    // The gateway decides at the start of the call; when the answer comes back does not matter (a loaded machine).
    const asked = Date.now();
    await preview();
    assert.ok(asked - started < 2_000, 'the call was made before the first token expired');
    assert.equal(stack.partnerOrders.tokenRequests(), 2);
    assert.deepEqual(await partnerOrdersAttempts(stack.gateway), {
      'oauthToken 200': 2,
      'previewOrder 200': 3,
    });
  });
});

describe('subscription orders with credentials the vendor refuses', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({
      endpointOverrides: (sandboxes) => ({
        partnerOrders: { ...sandboxes.partnerOrders!, clientSecret: 'not-the-secret' },
      }),
    });
  });
  after(async () => {
    await stack.close();
  });

  it('answers UPSTREAM_REJECTED for invalid_client, without retrying or showing the secret', async () => {
    const response = await stack.gql(PREVIEW, { input: orderInput() });
    assert.deepEqual(response.body.data, { subscriptionOrderPreview: null });
    assert.equal(response.body.errors?.[0]?.extensions?.code, 'UPSTREAM_REJECTED');
    assert.doesNotMatch(JSON.stringify(response.body), /not-the-secret/);
    assert.equal(stack.partnerOrders.tokenRequests(), 1);
    assert.deepEqual(await partnerOrdersAttempts(stack.gateway), { 'oauthToken 401': 1 });
    assert.ok(!stack.logs.join('').includes('not-the-secret'));
  });
});

describe('identical subscription orders at once on the PostgreSQL server', () => {
  let server: ScratchSchema | undefined;
  let skipReason: string | undefined;
  let stack: TestStack | undefined;
  before(async () => {
    const scratch = await scratchSchema();
    if ('skip' in scratch) skipReason = scratch.skip;
    else {
      server = scratch;
      stack = await startStack({ databaseUrl: scratch.url });
    }
  });
  after(async () => {
    await stack?.close();
    await server?.drop();
  });

  it('places one order for eight identical submissions sent at once', async (t) => {
    if (!stack) return t.skip(skipReason);
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => stack!.gql<SubmitData>(SUBMIT, { input: orderInput(), key })),
    );
    const payloads = responses.map((response) => {
      assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
      return response.body.data?.submitSubscriptionOrder;
    });
    assert.equal(stack.partnerOrders.orders().length, 1);
    assert.ok(payloads[0]?.order);
    for (const payload of payloads) assert.deepEqual(payload, payloads[0]);
  });
});

describe('the Partner Orders mappers', () => {
  it('maps the vendor document’s validation example to our input paths', () => {
    const error = new PartnerOrdersRequestError(400, 'invalid_payload', 'Invalid order payload', [
      { field: 'customer.email', message: 'must be a valid email address' },
      { field: 'lines[0].quantity', message: 'must be an integer from 1 to 1000' },
      { field: 'external_id', message: 'must be a non-empty string of at most 100 characters' },
      { field: 'body', message: 'must be well-formed JSON' },
    ]);
    assert.deepEqual(
      userErrorsFromVendor(error).map(({ field, message, code }) => ({ field, message, code })),
      [
        {
          field: ['input', 'customerEmail'],
          message: 'customerEmail: must be a valid email address',
          code: 'VALIDATION',
        },
        {
          field: ['input', 'lines', '0', 'quantity'],
          message: 'lines.0.quantity: must be an integer from 1 to 1000',
          code: 'VALIDATION',
        },
        {
          field: ['input', 'externalId'],
          message: 'externalId: must be a non-empty string of at most 100 characters',
          code: 'VALIDATION',
        },
        { field: ['input'], message: 'must be well-formed JSON', code: 'VALIDATION' },
      ],
    );
    assert.deepEqual(inputPath('lines[12].plan_id'), ['input', 'lines', '12', 'planId']);
    assert.deepEqual(inputPath('currency'), ['input']);
  });

  it('turns minor units into major ones by the currency’s decimals', () => {
    assert.deepEqual(moneyFromMinor(26278, 'GBP'), { amount: 262.78, currency: 'GBP' });
    assert.deepEqual(moneyFromMinor(5, 'GBP'), { amount: 0.05, currency: 'GBP' });
    assert.deepEqual(moneyFromMinor(1200, 'JPY'), { amount: 1200, currency: 'JPY' });
  });
});
