import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallScope } from '../../../src/vendors/http.js';
import type { NfcTagifyClient, NtOrderPage } from '../../../src/vendors/nfctagify/client.js';
import type { NtListOrdersQuery, NtOrder, NtProduct } from '../../../src/vendors/nfctagify/contract.js';
import { createNfcTagifyLoaders, loadOrderRange, planPages } from '../../../src/vendors/nfctagify/loaders.js';

const scope: CallScope = { requestId: 'loader-test', deadline: Date.now() + 60_000 };

const product = (id: string): NtProduct => ({
  product_id: id,
  name: id,
  description: '',
  price: 1,
  currency: 'GBP',
  min_quantity: 1,
});
const order = (id: string): NtOrder => ({ order_id: id }) as unknown as NtOrder;

/** A vendor with `total` orders `o0` (newest) … `o<total-1>`; records what it was asked. */
function recordingClient(total = 0) {
  const productCalls: number[] = [];
  const gets: string[] = [];
  const pages: [number, number][] = [];
  let failProducts = false;
  const client = {
    async listProducts(): Promise<NtProduct[]> {
      productCalls.push(1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failProducts) throw new Error('catalogue down');
      return [product('prod_a'), product('prod_b')];
    },
    getOrder(id: string): Promise<NtOrder | null> {
      gets.push(id);
      if (id === 'boom') return Promise.reject(new Error('vendor exploded'));
      return Promise.resolve(id.startsWith('o') ? order(id) : null);
    },
    listOrders(query: NtListOrdersQuery): Promise<NtOrderPage> {
      const page = query.page ?? 1;
      const perPage = query.per_page ?? 20;
      pages.push([page, perPage]);
      const ids = Array.from({ length: total }, (_, index) => `o${index}`);
      return Promise.resolve({
        orders: ids.slice((page - 1) * perPage, page * perPage).map(order),
        meta: { page, per_page: perPage, total, total_pages: Math.ceil(total / perPage) },
      });
    },
  };
  return {
    client: client as unknown as NfcTagifyClient,
    productCalls,
    gets,
    pages,
    failCatalogue: () => {
      failProducts = true;
    },
  };
}

describe('NFC Tagify loaders', () => {
  it('answers every product lookup of an operation from one catalogue call, null for an unknown id', async () => {
    const vendor = recordingClient();
    const loaders = createNfcTagifyLoaders(vendor.client, scope, 4);
    const first = await Promise.all(
      ['prod_b', 'prod_a', 'prod_zzz', 'prod_b'].map((id) => loaders.productById.load(id)),
    );
    // A later tick, after the first batch was answered: still no second call.
    const later = await loaders.productById.load('prod_a');
    const all = await loaders.catalogue.load('all');
    assert.deepEqual(vendor.productCalls, [1]);
    assert.deepEqual(
      first.map((found) => found?.product_id ?? null),
      ['prod_b', 'prod_a', null, 'prod_b'],
    );
    assert.equal(later?.product_id, 'prod_a');
    assert.deepEqual(
      all.map((found) => found.product_id),
      ['prod_a', 'prod_b'],
    );
  });

  it('fails each product lookup with the catalogue’s error when the catalogue cannot be read', async () => {
    const vendor = recordingClient();
    vendor.failCatalogue();
    const loaders = createNfcTagifyLoaders(vendor.client, scope, 4);
    const results = await Promise.allSettled(['prod_a', 'prod_b'].map((id) => loaders.productById.load(id)));
    assert.deepEqual(
      results.map((result) => (result.status === 'rejected' ? (result.reason as Error).message : 'ok')),
      ['catalogue down', 'catalogue down'],
    );
    assert.deepEqual(vendor.productCalls, [1]);
  });

  it('dedupes order ids and answers in key order, null for a missing order and an Error for a failed one', async () => {
    const vendor = recordingClient();
    const loaders = createNfcTagifyLoaders(vendor.client, scope, 4);
    const results = await Promise.allSettled(
      ['o2', 'o1', 'missing', 'o1', 'boom'].map((id) => loaders.orderById.load(id)),
    );
    assert.deepEqual(vendor.gets, ['o2', 'o1', 'missing', 'boom']);
    assert.deepEqual(
      results.map((result) =>
        result.status === 'fulfilled' ? (result.value?.order_id ?? null) : (result.reason as Error).message,
      ),
      ['o2', 'o1', null, 'o1', 'vendor exploded'],
    );
  });

  it('primes orderById with every order of a list page', async () => {
    const vendor = recordingClient(30);
    const loaders = createNfcTagifyLoaders(vendor.client, scope, 4);
    await loaders.orderPages.load({ page: 1, per_page: 10 });
    assert.equal((await loaders.orderById.load('o9'))?.order_id, 'o9');
    assert.deepEqual(vendor.gets, []);
    // The same query again (keys in another order) is the same page: no second call.
    await loaders.orderPages.load({ per_page: 10, page: 1 });
    assert.deepEqual(vendor.pages, [[1, 10]]);
  });
});

describe('reading a slice of the order list', () => {
  it('plans the smallest page that holds the slice, or two pages of the slice’s size', () => {
    assert.deepEqual(planPages(0, 20), { perPage: 20, pages: [1], skip: 0 });
    assert.deepEqual(planPages(7, 7), { perPage: 7, pages: [2], skip: 0 });
    assert.deepEqual(planPages(3, 5), { perPage: 8, pages: [1], skip: 3 });
    assert.deepEqual(planPages(95, 10), { perPage: 15, pages: [7], skip: 5 });
    assert.deepEqual(planPages(7, 100), { perPage: 100, pages: [1, 2], skip: 7 });
    assert.deepEqual(planPages(150, 100), { perPage: 100, pages: [2, 3], skip: 50 });
    assert.deepEqual(planPages(40, 0), { perPage: 1, pages: [1], skip: 0 });
  });

  it('answers every slice of the list exactly, in one batch of at most two vendor calls', async () => {
    const total = 137;
    for (const count of [0, 1, 7, 20, 33, 99, 100]) {
      for (const offset of [0, 1, 6, 50, 99, 100, 101, 130, 136, 137, 200]) {
        const vendor = recordingClient(total);
        const loaders = createNfcTagifyLoaders(vendor.client, scope, 4);
        const slice = await loadOrderRange(loaders, { status: 'pending' }, offset, count);
        const expected = Array.from({ length: total }, (_, index) => `o${index}`).slice(
          offset,
          offset + count,
        );
        assert.deepEqual(
          slice.orders.map((found) => found.order_id),
          expected,
          `offset ${offset}, count ${count}`,
        );
        assert.equal(slice.total, total);
        assert.ok(vendor.pages.length >= 1 && vendor.pages.length <= 2, JSON.stringify(vendor.pages));
      }
    }
  });

  it('asks the vendor for the straddled pages with the filter, in one batch', async () => {
    const vendor = recordingClient(250);
    const loaders = createNfcTagifyLoaders(vendor.client, scope, 4);
    const slice = await loadOrderRange(loaders, {}, 150, 100);
    assert.deepEqual(vendor.pages, [
      [2, 100],
      [3, 100],
    ]);
    assert.equal(slice.orders[0]?.order_id, 'o150');
    assert.equal(slice.orders.at(-1)?.order_id, 'o249');
  });
});
