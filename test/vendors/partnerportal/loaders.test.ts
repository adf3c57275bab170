import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PartnerLinkStore } from '../../../src/store/partner-links.js';
import type { PartnerLinkRow } from '../../../src/store/schema.js';
import type { CallScope } from '../../../src/vendors/http.js';
import type { PartnerPortalClient } from '../../../src/vendors/partnerportal/client.js';
import type {
  PpList,
  PpListOrdersQuery,
  PpListPartnersQuery,
  PpListProductsQuery,
  PpOrder,
  PpPartner,
  PpProduct,
} from '../../../src/vendors/partnerportal/contract.js';
import { createPartnerPortalLoaders } from '../../../src/vendors/partnerportal/loaders.js';

const scope: CallScope = { requestId: 'loader-test', deadline: Date.now() + 60_000 };

const list = <T>(data: T[]): PpList<T> => ({
  data,
  has_more: false,
  next_cursor: null,
  total_count: data.length,
});
const partner = (id: string) => ({ id, external_id: `EXT-${id}` }) as PpPartner;
const product = (id: string, sku: string) => ({ id, sku }) as PpProduct;
const order = (id: string) => ({ id }) as PpOrder;

/**
 * A vendor that knows some ids and answers in its own list order (sorted), not in the order it was asked: as
 * PartnerPortal does. Records every call's filter values, split, so batches can be asserted as dataloader's own
 * tests do.
 */
function recordingVendor(
  known: { partners?: string[]; products?: [string, string][]; orders?: string[] } = {},
) {
  const calls = {
    partners: [] as string[][],
    partnerPages: [] as PpListPartnersQuery[],
    productsById: [] as string[][],
    productsBySku: [] as string[][],
    orders: [] as string[][],
    ordersByPartner: [] as PpListOrdersQuery[],
    links: [] as string[][],
  };
  let failNext = false;
  const split = (value: string | undefined) => (value ?? '').split(',');
  const client = {
    listPartners(query: PpListPartnersQuery): Promise<PpList<PpPartner>> {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('vendor exploded'));
      }
      if (query.ids === undefined) {
        calls.partnerPages.push(query);
        return Promise.resolve(list((known.partners ?? []).map(partner)));
      }
      const asked = split(query.ids);
      calls.partners.push(asked);
      return Promise.resolve(
        list(
          [...asked]
            .sort()
            .filter((id) => known.partners?.includes(id))
            .map(partner),
        ),
      );
    },
    listProducts(query: PpListProductsQuery): Promise<PpList<PpProduct>> {
      const all = (known.products ?? []).map(([id, sku]) => product(id, sku));
      if (query.ids !== undefined) {
        const asked = split(query.ids);
        calls.productsById.push(asked);
        return Promise.resolve(list(all.filter((item) => asked.includes(item.id))));
      }
      const asked = split(query.skus);
      calls.productsBySku.push(asked);
      return Promise.resolve(list(all.filter((item) => asked.includes(item.sku))));
    },
    listOrders(query: PpListOrdersQuery): Promise<PpList<PpOrder>> {
      if (query.ids === undefined) {
        calls.ordersByPartner.push(query);
        return Promise.resolve(list((known.orders ?? []).map(order)));
      }
      const asked = split(query.ids);
      calls.orders.push(asked);
      return Promise.resolve(
        list(
          [...asked]
            .sort()
            .filter((id) => known.orders?.includes(id))
            .map(order),
        ),
      );
    },
  };
  const links = {
    byPartnerIds(ids: readonly string[]): Promise<Map<string, PartnerLinkRow>> {
      calls.links.push([...ids]);
      return Promise.resolve(
        new Map(
          ids
            .filter((id) => id.startsWith('linked'))
            .map((id) => [id, { partner_id: id, channel_manager_partner_id: `cm-${id}` } as PartnerLinkRow]),
        ),
      );
    },
  };
  const loaders = createPartnerPortalLoaders(
    client as unknown as PartnerPortalClient,
    scope,
    links as unknown as PartnerLinkStore,
    4,
  );
  return { loaders, calls, failNextPartnerCall: () => void (failNext = true) };
}

describe('PartnerPortal loaders', () => {
  it('batches partner ids into one call, deduped, answering in key order with null for the missing', async () => {
    const vendor = recordingVendor({ partners: ['a', 'b', 'c'] });
    const results = await Promise.all(
      ['c', 'a', 'missing', 'a', 'b'].map((id) => vendor.loaders.partnerById.load(id)),
    );
    assert.deepEqual(vendor.calls.partners, [['c', 'a', 'missing', 'b']]);
    assert.deepEqual(
      results.map((result) => result?.id ?? null),
      ['c', 'a', null, 'a', 'b'],
    );
  });

  it('records a batch as the vendor saw it', async () => {
    const vendor = recordingVendor({ partners: ['a', 'b'] });
    await Promise.all([vendor.loaders.partnerById.load('a'), vendor.loaders.partnerById.load('b')]);
    assert.deepEqual(vendor.calls.partners, [['a', 'b']]);
  });

  it('splits a large batch at the vendor limit of 100 values', async () => {
    const ids = Array.from({ length: 150 }, (_, index) => `p${String(index).padStart(3, '0')}`);
    const vendor = recordingVendor({ partners: ids });
    const results = await vendor.loaders.partnerById.loadMany(ids);
    assert.deepEqual(
      vendor.calls.partners.map((batch) => batch.length),
      [100, 50],
    );
    assert.deepEqual(
      results.map((result) => (result instanceof Error ? result : result?.id)),
      ids,
    );
  });

  it('answers null without asking for keys a batch filter cannot carry (commas, blanks)', async () => {
    const vendor = recordingVendor({ partners: ['a', 'b'] });
    const results = await Promise.all(['a,b', ' ', '', 'a'].map((id) => vendor.loaders.partnerById.load(id)));
    assert.deepEqual(vendor.calls.partners, [['a']]);
    assert.deepEqual(
      results.map((result) => result?.id ?? null),
      [null, null, null, 'a'],
    );
  });

  it('rejects every key of a batch whose call failed, and asks again in the next batch', async () => {
    const vendor = recordingVendor({ partners: ['a', 'b'] });
    vendor.failNextPartnerCall();
    const results = await Promise.allSettled(['a', 'b'].map((id) => vendor.loaders.partnerById.load(id)));
    assert.deepEqual(
      results.map((result) => (result.status === 'rejected' ? (result.reason as Error).message : 'ok')),
      ['vendor exploded', 'vendor exploded'],
    );
    vendor.loaders.partnerById.clearAll();
    assert.equal((await vendor.loaders.partnerById.load('a'))?.id, 'a');
  });

  it('primes partners by id from a list page', async () => {
    const vendor = recordingVendor({ partners: ['a', 'b'] });
    const page = await vendor.loaders.partnerPages.load({ limit: 2 });
    assert.equal(page.data.length, 2);
    assert.equal((await vendor.loaders.partnerById.load('b'))?.id, 'b');
    assert.deepEqual(vendor.calls.partners, []);
    await vendor.loaders.partnerPages.load({ limit: 2 });
    assert.deepEqual(vendor.calls.partnerPages, [{ limit: 2 }]);
  });

  it('batches products by id and by sku, each priming the other', async () => {
    const vendor = recordingVendor({
      products: [
        ['prd_1', '31001'],
        ['prd_2', '31002'],
        ['prd_3', 'MERCH'],
      ],
    });
    const byId = await Promise.all(
      ['prd_2', 'prd_x', 'prd_1'].map((id) => vendor.loaders.productById.load(id)),
    );
    assert.deepEqual(
      byId.map((item) => item?.sku ?? null),
      ['31002', null, '31001'],
    );
    const bySku = await Promise.all(
      ['31001', 'MERCH', '31002'].map((sku) => vendor.loaders.productBySku.load(sku)),
    );
    assert.deepEqual(
      bySku.map((item) => item?.id),
      ['prd_1', 'prd_3', 'prd_2'],
    );
    // 31001 and 31002 came primed from the id batch; only MERCH was asked for, and it primed prd_3.
    assert.deepEqual(vendor.calls.productsById, [['prd_2', 'prd_x', 'prd_1']]);
    assert.deepEqual(vendor.calls.productsBySku, [['MERCH']]);
    assert.equal((await vendor.loaders.productById.load('prd_3'))?.sku, 'MERCH');
    assert.equal(vendor.calls.productsById.length, 1);
  });

  it("batches orders by id, and one partner's order page primes them", async () => {
    const vendor = recordingVendor({ orders: ['o1', 'o2'] });
    const results = await Promise.all(['o2', 'nope', 'o1'].map((id) => vendor.loaders.orderById.load(id)));
    assert.deepEqual(vendor.calls.orders, [['o2', 'nope', 'o1']]);
    assert.deepEqual(
      results.map((result) => result?.id ?? null),
      ['o2', null, 'o1'],
    );

    const fresh = recordingVendor({ orders: ['o1', 'o2'] });
    await Promise.all([
      fresh.loaders.ordersByPartner.load({ partnerId: 'p1', page: { limit: 5 } }),
      fresh.loaders.ordersByPartner.load({ partnerId: 'p1', page: { limit: 5 } }),
      fresh.loaders.ordersByPartner.load({ partnerId: 'p2', page: { limit: 5 } }),
    ]);
    assert.deepEqual(fresh.calls.ordersByPartner, [
      { partner_id: 'p1', limit: 5 },
      { partner_id: 'p2', limit: 5 },
    ]);
    assert.equal((await fresh.loaders.orderById.load('o2'))?.id, 'o2');
    assert.deepEqual(fresh.calls.orders, []);
  });

  it('reads the links of many partners in one store query, null for the unlinked', async () => {
    const vendor = recordingVendor();
    const results = await Promise.all(
      ['linked-1', 'plain', 'linked-2', 'plain'].map((id) => vendor.loaders.linksByPartnerId.load(id)),
    );
    assert.deepEqual(vendor.calls.links, [['linked-1', 'plain', 'linked-2']]);
    assert.deepEqual(
      results.map((row) => row?.channel_manager_partner_id ?? null),
      ['cm-linked-1', null, 'cm-linked-2', null],
    );
  });
});
