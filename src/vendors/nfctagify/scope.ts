import type { IdempotencyStore } from '../../store/idempotency.js';
import type { CallScope } from '../http.js';
import { NfcTagifyCardOrderCommands } from './card-order-commands.js';
import type { NfcTagifyClient } from './client.js';
import { createNfcTagifyLoaders, loadOrderRange } from './loaders.js';
import type { NfcTagifyLoaders, NtOrderFilterQuery } from './loaders.js';
import type { NtOrder } from './contract.js';

/** NFC Tagify as one GraphQL operation sees it: fresh loaders, list reads over them, and writes that prime them. */
export interface NfcTagifyScope {
  client: NfcTagifyClient;
  loaders: NfcTagifyLoaders;
  commands: NfcTagifyCardOrderCommands;
  /** Orders [offset, offset + count) of the filtered list (count ≤ 100), in one or two vendor calls. */
  orderRange(
    filter: NtOrderFilterQuery,
    offset: number,
    count: number,
  ): Promise<{ orders: NtOrder[]; total: number }>;
}

export function createNfcTagifyScope(
  client: NfcTagifyClient,
  scope: CallScope,
  concurrency: number,
  records: IdempotencyStore,
): NfcTagifyScope {
  const loaders = createNfcTagifyLoaders(client, scope, concurrency);
  return {
    client,
    loaders,
    commands: new NfcTagifyCardOrderCommands(client, loaders, scope, records),
    orderRange: (filter, offset, count) => loadOrderRange(loaders, filter, offset, count),
  };
}
