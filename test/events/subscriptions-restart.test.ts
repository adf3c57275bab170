import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.js';
import { eventually, testWsClient, wsUrl } from '../support/graphql-ws-client.js';
import { startStack, TEST_API_KEY } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { deliverWebhook, portalOrderEvent } from '../support/webhooks.js';

const SECRET = 'whsec_restart_test_0123456789';
const SUBSCRIPTION = `subscription ($after: String) {
  orderUpdated(partnerId: "ptn_restart", after: $after) { id status orderId } }`;
type OrderUpdated = { orderUpdated: { id: string; status: string; orderId: string } };

const event = (n: number): string =>
  portalOrderEvent({
    id: `evt_restart_${n}`,
    orderId: `ord_restart_${n}`,
    status: 'pending',
    partnerId: 'ptn_restart',
  });

describe('resuming a subscription across a gateway restart (embedded PGlite in DATA_DIR)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'subscriptions-restart-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('replays what was acknowledged while the subscriber was away, then goes live, nothing lost or doubled', async () => {
    const storeOptions = { dataDir: join(dir, 'pglite') };
    const env = { PARTNERPORTAL_WEBHOOK_SECRET: SECRET };
    const subscribed = (stack: TestStack) =>
      eventually(() => stack.gateway.openSubscriptions() === 1, 'the subscription to open');

    const firstStore = await openStore(storeOptions);
    const first = await startStack({ store: firstStore, env });
    const before = testWsClient(wsUrl(first.origin), { apiKey: TEST_API_KEY });
    const live = before.subscribe<OrderUpdated>(SUBSCRIPTION);
    await subscribed(first);
    for (const n of [1, 2]) assert.equal(await deliverWebhook(first.origin, SECRET, event(n)), 200);
    await live.take(2);
    // Acknowledged to the sender, then the process goes away: the subscriber may or may not have seen it.
    assert.equal(await deliverWebhook(first.origin, SECRET, event(3)), 200);
    await first.close();
    await firstStore.close();
    const { error } = await live.ended;
    assert.equal((error as { code?: number }).code, 1001, 'the gateway says it is going away');
    await before.close();
    const seen = live.results.map((result) => result.data!.orderUpdated.id);
    const cursor = seen.at(-1)!;

    const secondStore = await openStore(storeOptions);
    const second = await startStack({ store: secondStore, env });
    const afterRestart = testWsClient(wsUrl(second.origin), { apiKey: TEST_API_KEY });
    try {
      // Received while no one was subscribed.
      assert.equal(await deliverWebhook(second.origin, SECRET, event(4)), 200);
      const resumed = afterRestart.subscribe<OrderUpdated>(SUBSCRIPTION, { after: cursor });
      await subscribed(second);
      assert.equal(await deliverWebhook(second.origin, SECRET, event(5)), 200);
      const expected = [1, 2, 3, 4, 5].map((n) => `evt_restart_${n}`);
      const replayed = await resumed.take(expected.length - seen.length);
      assert.deepEqual([...seen, ...replayed.map((result) => result.data!.orderUpdated.id)], expected);
      assert.ok(replayed.every((result) => result.errors === undefined));
      resumed.unsubscribe();
      await eventually(() => second.gateway.openSubscriptions() === 0, 'the subscription to end');
      assert.equal(resumed.results.length, expected.length - seen.length, 'nothing doubled after the seam');
    } finally {
      await afterRestart.close();
      await second.close();
      await secondStore.close();
    }
  });
});
