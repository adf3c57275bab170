import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallScope } from '../../../src/vendors/http.js';
import type { ChannelManagerClient } from '../../../src/vendors/navipartner/client.js';
import type { CmOrder, CmOrderSummary } from '../../../src/vendors/navipartner/contract.js';
import { createChannelManagerLoaders } from '../../../src/vendors/navipartner/loaders.js';

const scope: CallScope = { requestId: 'loader-test', deadline: Date.now() + 60_000 };

/** Records what the vendor was asked, and how many calls were in flight at once. */
function recordingClient(known: string[]) {
  const gets: string[] = [];
  const lists: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const client = {
    async getOrder(id: string): Promise<CmOrder | null> {
      gets.push(id);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (id === 'boom') throw new Error('vendor exploded');
      return known.includes(id) ? ({ orderId: id, items: [] } as unknown as CmOrder) : null;
    },
    listOrdersByPartner(partnerId: string): Promise<CmOrderSummary[]> {
      lists.push(partnerId);
      return Promise.resolve([]);
    },
  };
  return { client: client as unknown as ChannelManagerClient, gets, lists, maxInFlight: () => maxInFlight };
}

describe('Channel Manager loaders', () => {
  it('dedupes keys and answers in key order, null for a missing order and an Error for a failed one', async () => {
    const vendor = recordingClient(['a', 'b']);
    const loaders = createChannelManagerLoaders(vendor.client, scope, 4);
    const results = await Promise.allSettled(
      ['b', 'a', 'missing', 'a', 'boom'].map((id) => loaders.orderById.load(id)),
    );
    assert.deepEqual(vendor.gets, ['b', 'a', 'missing', 'boom']);
    assert.deepEqual(
      results.map((result) =>
        result.status === 'fulfilled' ? (result.value?.orderId ?? null) : (result.reason as Error).message,
      ),
      ['b', 'a', null, 'a', 'vendor exploded'],
    );
  });

  it('keeps at most `concurrency` calls in flight for a large batch', async () => {
    const ids = Array.from({ length: 20 }, (_, index) => `o${index}`);
    const vendor = recordingClient(ids);
    const loaders = createChannelManagerLoaders(vendor.client, scope, 3);
    await loaders.orderById.loadMany(ids);
    assert.equal(vendor.gets.length, 20);
    assert.equal(vendor.maxInFlight(), 3);
  });

  it('makes one list call per distinct partner and filter', async () => {
    const vendor = recordingClient([]);
    const loaders = createChannelManagerLoaders(vendor.client, scope, 4);
    await Promise.all([
      loaders.ordersByPartner.load({ partnerId: 'p1', query: {} }),
      loaders.ordersByPartner.load({ partnerId: 'p1', query: {} }),
      loaders.ordersByPartner.load({ partnerId: 'p1', query: { status: 'Issued' } }),
      loaders.ordersByPartner.load({ partnerId: 'p2', query: {} }),
    ]);
    assert.deepEqual(vendor.lists, ['p1', 'p1', 'p2']);
  });

  it('answers a primed order without calling the vendor', async () => {
    const vendor = recordingClient([]);
    const loaders = createChannelManagerLoaders(vendor.client, scope, 4);
    loaders.orderById.prime('x', { orderId: 'x', items: [] } as unknown as CmOrder);
    assert.equal((await loaders.orderById.load('x'))?.orderId, 'x');
    assert.deepEqual(vendor.gets, []);
  });
});
