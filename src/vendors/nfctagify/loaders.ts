import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type { CallScope } from '../http.js';
import type { NfcTagifyClient, NtOrderPage } from './client.js';
import { NT_MAX_PER_PAGE } from './contract.js';
import type { NtListOrdersQuery, NtOrder, NtProduct } from './contract.js';
import { planVendorPages } from '../paging.js';

/** The filters of `GET /orders` without the page parameters: what a walk over the pages keeps constant. */
export type NtOrderFilterQuery = Omit<NtListOrdersQuery, 'page' | 'per_page'>;

/**
 * NFC Tagify loaders. One set per GraphQL operation (built in `createNfcTagifyScope`), never shared between
 * callers: the cache is the operation's view of the vendor, and every request counts against its rate limit.
 */
export interface NfcTagifyLoaders {
  /** The whole catalogue at our prices: one `GET /products` per operation, whatever asks for it. */
  catalogue: DataLoader<'all', NtProduct[]>;
  /** Products by product_id, answered from `catalogue` (the vendor's list is small and has every product). */
  productById: DataLoader<string, NtProduct | null>;
  /** Full orders by order_id; null for one the vendor does not have. Primed by every list page and write. */
  orderById: DataLoader<string, NtOrder | null>;
  /** `GET /orders` pages, one call per distinct query (filters, page and per_page). */
  orderPages: DataLoader<NtListOrdersQuery, NtOrderPage, string>;
}

export function createNfcTagifyLoaders(
  client: NfcTagifyClient,
  scope: CallScope,
  concurrency: number,
): NfcTagifyLoaders {
  const limit = pLimit(concurrency);
  const settle = <T>(work: Promise<T>): Promise<T | Error> =>
    work.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

  const catalogue = new DataLoader<'all', NtProduct[]>(async (keys) => {
    const products = await settle(client.listProducts(scope));
    return keys.map(() => products);
  });

  const orderById = new DataLoader<string, NtOrder | null>(
    (ids) => Promise.all(ids.map((id) => settle(limit(() => client.getOrder(id, scope))))),
    { maxBatchSize: 100 },
  );

  return {
    catalogue,
    productById: new DataLoader<string, NtProduct | null>(async (ids) => {
      const products = await settle(catalogue.load('all'));
      if (products instanceof Error) return ids.map(() => products);
      const byId = new Map(products.map((product) => [product.product_id, product]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    orderById,
    orderPages: new DataLoader<NtListOrdersQuery, NtOrderPage, string>(
      (queries) =>
        Promise.all(
          queries.map((query) =>
            settle(
              limit(async () => {
                const page = await client.listOrders(query, scope);
                for (const order of page.orders) orderById.clear(order.order_id).prime(order.order_id, order);
                return page;
              }),
            ),
          ),
        ),
      { cacheKeyFn: (query) => JSON.stringify(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : 1))) },
    ),
  };
}

/** The vendor pages to read for one slice of the list, and where the slice starts in what they answer. */
export interface PagePlan {
  perPage: number;
  /** 1-based vendor page numbers, consecutive: one or two. */
  pages: number[];
  /** Index of the slice's first order within the concatenated pages. */
  skip: number;
}

/**
 * Which vendor pages cover orders [offset, offset + count) of the list, with count ≤ 100. The smallest per_page
 * (≥ count) whose one page holds the whole slice wins: a client walking with a fixed `first` gets pages aligned
 * to it, one call each. When no page size up to 100 can hold it (the slice straddles a multiple of every size),
 * two consecutive pages of `count` do. Never more than two calls; `count` 0 reads one order to learn the total.
 */
export function planPages(offset: number, count: number): PagePlan {
  const { size, ...plan } = planVendorPages(offset, count, NT_MAX_PER_PAGE);
  return { perPage: size, ...plan };
}

/** Orders [offset, offset + count) of the filtered list, newest first as the vendor orders them, and its total. */
export async function loadOrderRange(
  loaders: NfcTagifyLoaders,
  filter: NtOrderFilterQuery,
  offset: number,
  count: number,
): Promise<{ orders: NtOrder[]; total: number }> {
  const plan = planPages(offset, count);
  const pages = await loaders.orderPages.loadMany(
    plan.pages.map((page) => ({ ...filter, page, per_page: plan.perPage })),
  );
  const answered = pages.map((page) => {
    if (page instanceof Error) throw page;
    return page;
  });
  const orders = answered.flatMap((page) => page.orders).slice(plan.skip, plan.skip + count);
  // The later page is the fresher count when orders arrived between the two calls.
  const total = answered.at(-1)?.meta.total ?? 0;
  return { orders, total };
}
