import type { Store } from '../../store/store.js';
import type { CallScope } from '../http.js';
import type { PartnerOrdersClient } from './client.js';

/** Partner Orders as one GraphQL operation sees it. */
export interface PartnerOrdersScope {
  client: PartnerOrdersClient;
}

export function createPartnerOrdersScope(
  client: PartnerOrdersClient,
  _scope: CallScope,
  _store: Store,
): PartnerOrdersScope {
  return { client };
}
