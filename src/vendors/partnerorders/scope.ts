import type { Store } from '../../store/store.js';
import type { CallScope } from '../http.js';
import type { PartnerOrdersClient } from './client.js';
import { PartnerOrdersCommands } from './order-commands.js';

/** Partner Orders as one GraphQL operation sees it: the shared client, and commands under this operation's deadline. */
export interface PartnerOrdersScope {
  client: PartnerOrdersClient;
  commands: PartnerOrdersCommands;
}

export function createPartnerOrdersScope(
  client: PartnerOrdersClient,
  scope: CallScope,
  store: Store,
): PartnerOrdersScope {
  return { client, commands: new PartnerOrdersCommands(client, store.idempotency, scope) };
}
