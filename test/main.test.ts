import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMain, stopMain } from './support/main-process.js';
import type { StartedMain } from './support/main-process.js';

type Started = StartedMain & { key: string };

async function start(dataDir: string): Promise<Started> {
  // At info level: the start-up lines an operator reads are part of what is checked.
  const started = await startMain({ DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  return { ...started, key: started.generatedKey ?? '' };
}

const stop = stopMain;

async function gql(
  started: Started,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<unknown> {
  const response = await fetch(started.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${started.key}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

describe('npm start with nothing configured', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'partner-graph-main-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the sandboxes, prints the key, stops cleanly on SIGTERM, and keeps its data across a restart', async () => {
    const first = await start(dataDir);
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    assert.match(first.output(), /Vendors: .*channelManager \(sandbox\)/);
    // The heap V8 was given, for the operator (README: Running in production).
    assert.match(first.output(), /"msg":"partner-graph listening"/);
    assert.match(first.output(), /"heapLimitMB":[1-9]\d*/);
    const seeded = await gql(first, '{ order(id: "9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8") { status } }');
    assert.deepEqual(seeded, { data: { order: { status: 'ISSUED' } } });
    const created = (await gql(
      first,
      `mutation ($input: OrderInput!) { createOrder(input: $input) { order { id status } userErrors { code } } }`,
      {
        input: {
          partnerId: '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e',
          sellToOrderReference: 'RESTART-1',
          items: [{ itemNumber: '31001', visitDate: '2099-01-01', visitTime: '10:00:00', quantity: 1 }],
        },
      },
    )) as { data: { createOrder: { order: { id: string; status: string } } } };
    assert.equal(created.data.createOrder.order.status, 'DRAFT');
    // The PartnerPortal sandbox signs and delivers its webhooks to this gateway: the change shows up as an event.
    const portal = (await gql(
      first,
      `mutation ($input: PortalOrderInput!) { createPortalOrder(input: $input) { portalOrder { id } userErrors { code } } }`,
      {
        input: {
          partnerId: 'ptn_01JSEED0000000000000000001',
          externalReference: 'RESTART-PO-1',
          lines: [{ productId: 'prd_01JSEED0000000000000000001', quantity: 1 }],
        },
      },
    )) as { data: { createPortalOrder: { portalOrder: { id: string } } } };
    const portalOrderId = portal.data.createPortalOrder.portalOrder.id;
    const deadline = Date.now() + 10_000;
    let seen: { type: string; orderId?: string }[] = [];
    while (!seen.some((event) => event.orderId === portalOrderId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const events = (await gql(
        first,
        '{ events(first: 100) { nodes { type ... on OrderEvent { orderId } } } }',
      )) as {
        data: { events: { nodes: { type: string; orderId?: string }[] } };
      };
      seen = events.data.events.nodes;
    }
    assert.ok(
      seen.some((event) => event.type === 'order.created' && event.orderId === portalOrderId),
      JSON.stringify(seen),
    );
    assert.equal(await stop(first), 0);

    const second = await start(dataDir);
    try {
      assert.notEqual(second.key, first.key, 'a generated key is per run');
      const again = await gql(second, 'query ($id: ID!) { order(id: $id) { status } }', {
        id: created.data.createOrder.order.id,
      });
      assert.deepEqual(again, { data: { order: { status: 'DRAFT' } } });
    } finally {
      assert.equal(await stop(second), 0);
    }
  });
});
