import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type { PartnerLinkStore } from '../../store/partner-links.js';
import type { PartnerLinkRow } from '../../store/schema.js';
import type { CallScope } from '../http.js';
import type { PartnerPortalClient } from './client.js';
import { PP_MAX_FILTER_VALUES } from './contract.js';
import type { PpList, PpOrder, PpPageQuery, PpPartner, PpProduct } from './contract.js';

/** One page of a partner's portal orders. */
export interface OrdersByPartnerKey {
  partnerId: string;
  page: PpPageQuery;
}

/**
 * PartnerPortal loaders (and the partner links of the gateway's own store, which only partners have). One set per
 * GraphQL operation, built in `createContext`, never shared between callers: the cache is the operation's view.
 */
export interface PartnerPortalLoaders {
  /** Partners by id, one `GET /partners?ids=` per batch; null for a partner the vendor does not have. */
  partnerById: DataLoader<string, PpPartner | null>;
  /** Pages of the whole partner list, one call per distinct page; primes `partnerById`. */
  partnerPages: DataLoader<PpPageQuery, PpList<PpPartner>, string>;
  /** Products by id, one `GET /products?ids=` per batch; primes `productBySku`. */
  productById: DataLoader<string, PpProduct | null>;
  /** Products by sku (Channel Manager item number), one `GET /products?skus=` per batch; primes `productById`. */
  productBySku: DataLoader<string, PpProduct | null>;
  /** Portal orders by id, one `GET /orders?ids=` per batch. */
  orderById: DataLoader<string, PpOrder | null>;
  /** Pages of one partner's portal orders (the vendor filters by one partner a call); primes `orderById`. */
  ordersByPartner: DataLoader<OrdersByPartnerKey, PpList<PpOrder>, string>;
  /** The gateway's links of each partner, one store query per batch; null for a partner without any. */
  linksByPartnerId: DataLoader<string, PartnerLinkRow | null>;
  /** The other way round: which partner a Channel Manager partnerId is linked to (one store query per batch). */
  partnerIdByChannelManagerId: DataLoader<string, string | null>;
}

/**
 * What a batch filter entry can be: the vendor splits on commas and trims blanks, so an id carrying either would
 * match something else or fail the whole batch. Such keys are answered null without asking.
 */
const isFilterValue = (value: string): boolean => /^[^,\s]{1,200}$/.test(value);

export function createPartnerPortalLoaders(
  client: PartnerPortalClient,
  scope: CallScope,
  links: PartnerLinkStore,
  concurrency: number,
): PartnerPortalLoaders {
  const limit = pLimit(concurrency);
  const settle = <T>(work: Promise<T>): Promise<T | Error> =>
    work.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

  /**
   * One list call for a whole batch, answered in key order: the vendor answers in its list order and leaves out
   * what it does not have. A batch never exceeds PP_MAX_FILTER_VALUES, which the vendor answers on one page.
   */
  function batchBy<T>(
    fetch: (values: string) => Promise<PpList<T>>,
    keyOf: (item: T) => string,
    prime: (item: T) => void,
  ): (keys: readonly string[]) => Promise<(T | null)[]> {
    return async (keys) => {
      const asked = [...new Set(keys.filter(isFilterValue))];
      const found = new Map<string, T>();
      if (asked.length > 0) {
        const list = await fetch(asked.join(','));
        for (const item of list.data) {
          found.set(keyOf(item), item);
          prime(item);
        }
      }
      return keys.map((key) => found.get(key) ?? null);
    };
  }

  const batch = { maxBatchSize: PP_MAX_FILTER_VALUES };
  const partnerById: DataLoader<string, PpPartner | null> = new DataLoader(
    batchBy(
      (ids) => client.listPartners({ ids, limit: PP_MAX_FILTER_VALUES }, scope),
      (partner) => partner.id,
      () => undefined,
    ),
    batch,
  );
  const productById: DataLoader<string, PpProduct | null> = new DataLoader(
    batchBy(
      (ids) => client.listProducts({ ids, limit: PP_MAX_FILTER_VALUES }, scope),
      (product) => product.id,
      (product) => productBySku.prime(product.sku, product),
    ),
    batch,
  );
  const productBySku: DataLoader<string, PpProduct | null> = new DataLoader(
    batchBy(
      (skus) => client.listProducts({ skus, limit: PP_MAX_FILTER_VALUES }, scope),
      (product) => product.sku,
      (product) => productById.prime(product.id, product),
    ),
    batch,
  );
  const orderById: DataLoader<string, PpOrder | null> = new DataLoader(
    batchBy(
      (ids) => client.listOrders({ ids, limit: PP_MAX_FILTER_VALUES }, scope),
      (order) => order.id,
      () => undefined,
    ),
    batch,
  );

  return {
    partnerById,
    partnerPages: new DataLoader<PpPageQuery, PpList<PpPartner>, string>(
      (pages) =>
        Promise.all(
          pages.map((page) =>
            settle(
              limit(async () => {
                const list = await client.listPartners(page, scope);
                for (const partner of list.data) partnerById.prime(partner.id, partner);
                return list;
              }),
            ),
          ),
        ),
      { cacheKeyFn: (page) => JSON.stringify([page.limit, page.cursor]) },
    ),
    productById,
    productBySku,
    orderById,
    ordersByPartner: new DataLoader<OrdersByPartnerKey, PpList<PpOrder>, string>(
      (keys) =>
        Promise.all(
          keys.map((key) =>
            settle(
              limit(async () => {
                const list = await client.listOrders({ partner_id: key.partnerId, ...key.page }, scope);
                for (const order of list.data) orderById.prime(order.id, order);
                return list;
              }),
            ),
          ),
        ),
      { cacheKeyFn: (key) => JSON.stringify([key.partnerId, key.page.limit, key.page.cursor]) },
    ),
    linksByPartnerId: new DataLoader<string, PartnerLinkRow | null>(
      async (ids) => {
        const rows = await links.byPartnerIds(ids);
        return ids.map((id) => rows.get(id) ?? null);
      },
      { maxBatchSize: 1000 },
    ),
    partnerIdByChannelManagerId: new DataLoader<string, string | null>(
      async (ids) => {
        const partners = await links.byChannelManagerPartnerIds(ids);
        return ids.map((id) => partners.get(id) ?? null);
      },
      { maxBatchSize: 1000 },
    ),
  };
}
