import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.js';
import { startMain, stopMain } from '../support/main-process.js';
import type { StartedMain } from '../support/main-process.js';
import type { Store } from '../../src/store/store.js';
import { eventually, testWsClient, wsUrl } from '../support/graphql-ws-client.js';
import type { TestWsClient } from '../support/graphql-ws-client.js';
import { scratchSchema } from '../support/postgres.js';
import type { ScratchSchema } from '../support/postgres.js';
import { daysFromNow, startStack, TEST_API_KEY } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { deliverWebhook, portalOrderEvent } from '../support/webhooks.js';

const SECRET = 'whsec_replicas_test_0123456789';
const ACME = 'ptn_01JSEED0000000000000000001';
const SUBSCRIPTION = `subscription ($partnerId: ID) {
  orderUpdated(partnerId: $partnerId) { id type status orderId partnerId vendor } }`;
type OrderUpdated = {
  orderUpdated: {
    id: string;
    type: string;
    status: string;
    orderId: string;
    partnerId: string;
    vendor: string;
  };
};

/**
 * Two gateways sharing nothing but a PostgreSQL server (each its own pool, LISTEN connection and sandboxes), as
 * two processes would: what one receives reaches subscribers of the other through NOTIFY and the shared inbox.
 */
describe('subscriptions across gateway replicas on one PostgreSQL server', () => {
  let server: ScratchSchema | undefined;
  let skip: string | undefined;
  const stores: Store[] = [];
  let a: TestStack;
  let b: TestStack;
  const clients: TestWsClient[] = [];
  const subscribeTo = (stack: TestStack, partnerId: string) => {
    const client = testWsClient(wsUrl(stack.origin), { apiKey: TEST_API_KEY });
    clients.push(client);
    return client.subscribe<OrderUpdated>(SUBSCRIPTION, { partnerId });
  };
  const open = (stack: TestStack, count: number) =>
    eventually(() => stack.gateway.openSubscriptions() === count, `${count} subscriptions open`);

  before(async () => {
    const scratch = await scratchSchema();
    if ('skip' in scratch) {
      skip = scratch.skip;
      return;
    }
    server = scratch;
    const env = { PARTNERPORTAL_WEBHOOK_SECRET: SECRET };
    for (let i = 0; i < 2; i += 1) stores.push(await openStore({ databaseUrl: server.url }));
    a = await startStack({ seed: true, store: stores[0], env });
    b = await startStack({ seed: true, store: stores[1], env });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    // A test counts its own subscriptions as open: the last test's must be gone first, not only asked to go.
    if (!skip) await Promise.all([open(a, 0), open(b, 0)]);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await Promise.all(stores.map((store) => store.close()));
    await server?.drop();
  });

  it('delivers a webhook received by gateway A to a subscriber of gateway B, once, never backwards', async (t) => {
    if (skip) return t.skip(skip);
    const onB = subscribeTo(b, 'ptn_replica');
    const onA = subscribeTo(a, 'ptn_replica');
    await open(b, 1);
    await open(a, 1);
    const event = (id: string, status: string, at: string, orderId = 'ord_replica_1') =>
      portalOrderEvent({ id, orderId, status, at, partnerId: 'ptn_replica' });
    assert.equal(
      await deliverWebhook(a.origin, SECRET, event('evt_rep_1', 'processing', '2026-05-22T10:00:00Z')),
      200,
    );
    // The same event to both gateways at once (a sender retrying against another replica): one publish.
    const twice = event('evt_rep_2', 'delivered', '2026-05-22T12:00:00Z');
    assert.deepEqual(
      await Promise.all([deliverWebhook(a.origin, SECRET, twice), deliverWebhook(b.origin, SECRET, twice)]),
      [200, 200],
    );
    // An older event arriving late, at the other replica: stored, never published.
    assert.equal(
      await deliverWebhook(b.origin, SECRET, event('evt_rep_3', 'shipped', '2026-05-22T11:00:00Z')),
      200,
    );
    assert.equal(
      await deliverWebhook(
        a.origin,
        SECRET,
        event('evt_rep_4', 'pending', '2026-05-22T11:00:00Z', 'ord_replica_2'),
      ),
      200,
    );
    const expected = [
      ['evt_rep_1', 'PROCESSING'],
      ['evt_rep_2', 'DELIVERED'],
      ['evt_rep_4', 'PENDING'],
    ];
    for (const subscription of [onB, onA]) {
      const results = await subscription.take(expected.length);
      assert.deepEqual(
        results.map((result) => [result.data?.orderUpdated.id, result.data?.orderUpdated.status]),
        expected,
      );
    }
  });

  it('delivers a ticket order changed through gateway A to a subscriber of gateway B', async (t) => {
    if (skip) return t.skip(skip);
    const onB = subscribeTo(b, ACME);
    await open(b, 1);
    const created = await a.gql<{ createOrder: { order: { id: string } } }>(
      `mutation ($input: OrderInput!) { createOrder(input: $input) { order { id } userErrors { code } } }`,
      {
        input: {
          partnerId: '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e',
          sellToOrderReference: 'REPLICA-1',
          items: [
            {
              itemNumber: '31001',
              visitDate: daysFromNow(30),
              visitTime: '10:30:00',
              quantity: 1,
              wallet: { names: ['Jane Doe'], externalReferenceNumbers: ['JD-REP-1'] },
            },
          ],
          paymentReference: 'PAY-REPLICA-1',
        },
      },
    );
    assert.equal(created.body.errors, undefined);
    const [result] = await onB.take(1);
    assert.deepEqual(result, {
      data: {
        orderUpdated: {
          id: result?.data?.orderUpdated.id,
          type: 'order.created',
          status: 'ISSUED',
          orderId: created.body.data!.createOrder.order.id,
          partnerId: ACME,
          vendor: 'CHANNEL_MANAGER',
        },
      },
    });
  });
});

describe('subscriptions across two gateway processes on one PostgreSQL server', () => {
  let server: ScratchSchema | undefined;
  let skip: string | undefined;
  const processes: StartedMain[] = [];
  const dirs: string[] = [];
  let client: TestWsClient | undefined;

  before(async () => {
    const scratch = await scratchSchema();
    if ('skip' in scratch) {
      skip = scratch.skip;
      return;
    }
    server = scratch;
    for (let i = 0; i < 2; i += 1) {
      const dir = mkdtempSync(join(tmpdir(), 'replica-process-'));
      dirs.push(dir);
      processes.push(
        await startMain({
          DATABASE_URL: server.url,
          DATA_DIR: dir,
          GATEWAY_API_KEYS: TEST_API_KEY,
          PARTNERPORTAL_WEBHOOK_SECRET: SECRET,
        }),
      );
    }
  });
  after(async () => {
    await client?.close();
    for (const started of processes) assert.equal(await stopMain(started), 0);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await server?.drop();
  });

  it('delivers a webhook received by process A to a subscriber connected to process B', async (t) => {
    if (skip) return t.skip(skip);
    const [a, b] = processes as [StartedMain, StartedMain];
    const event = (id: string, status: string) =>
      portalOrderEvent({ id, orderId: 'ord_process_1', status, partnerId: 'ptn_process' });
    // A first event fixes a cursor, so the subscription misses nothing however long its handshake takes.
    assert.equal(await deliverWebhook(a.origin, SECRET, event('evt_proc_0', 'pending')), 200);
    client = testWsClient(wsUrl(b.origin), { apiKey: TEST_API_KEY });
    const onB = client.subscribe<OrderUpdated>(
      `subscription ($after: String) { orderUpdated(partnerId: "ptn_process", after: $after) { id status } }`,
      { after: 'evt_proc_0' },
    );
    assert.equal(await deliverWebhook(a.origin, SECRET, event('evt_proc_1', 'processing')), 200);
    const [result] = await onB.take(1, 10_000);
    assert.deepEqual(result, { data: { orderUpdated: { id: 'evt_proc_1', status: 'PROCESSING' } } });
  });
});
