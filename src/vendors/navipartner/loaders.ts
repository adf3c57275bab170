import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type { CallScope } from '../http.js';
import type { ChannelManagerClient } from './client.js';
import type { CmListOrdersQuery, CmOrder, CmOrderSummary } from './contract.js';

export interface OrderListKey {
  partnerId: string;
  query: CmListOrdersQuery;
}

/**
 * Channel Manager loaders. One set per GraphQL operation (built in `createContext`), never shared between
 * callers: the cache is the operation's view of the vendor.
 */
export interface ChannelManagerLoaders {
  /** Full orders by orderId; null for an order the vendor does not have. */
  orderById: DataLoader<string, CmOrder | null>;
  /** listOrdersByPartner answers, one call per distinct partner + filter. */
  ordersByPartner: DataLoader<OrderListKey, CmOrderSummary[], string>;
}

/** The vendor has no batch read, so a batch becomes parallel getOrder calls, at most `concurrency` at once. */
export function createChannelManagerLoaders(
  client: ChannelManagerClient,
  scope: CallScope,
  concurrency: number,
): ChannelManagerLoaders {
  const limit = pLimit(concurrency);
  const settle = <T>(work: Promise<T>): Promise<T | Error> =>
    work.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

  return {
    orderById: new DataLoader<string, CmOrder | null>(
      (ids) => Promise.all(ids.map((id) => settle(limit(() => client.getOrder(id, scope))))),
      { maxBatchSize: 100 },
    ),
    ordersByPartner: new DataLoader<OrderListKey, CmOrderSummary[], string>(
      (keys) =>
        Promise.all(
          keys.map((key) => settle(limit(() => client.listOrdersByPartner(key.partnerId, key.query, scope)))),
        ),
      { cacheKeyFn: (key) => JSON.stringify([key.partnerId, key.query]) },
    ),
  };
}
