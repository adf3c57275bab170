import type { PartnerLinkStore } from '../../store/partner-links.js';
import type { CallScope } from '../http.js';
import type { PartnerPortalClient } from './client.js';
import { createPartnerPortalLoaders } from './loaders.js';
import type { PartnerPortalLoaders } from './loaders.js';
import { PartnerPortalPartnerCommands } from './partner-commands.js';
import { PartnerPortalOrderCommands } from './portal-order-commands.js';

/** PartnerPortal as one GraphQL operation sees it: fresh loaders, and writes that prime them. */
export interface PartnerPortalScope {
  /** Shared, stateless; for calls no loader covers (e.g. the merged product list). */
  client: PartnerPortalClient;
  loaders: PartnerPortalLoaders;
  partners: PartnerPortalPartnerCommands;
  portalOrders: PartnerPortalOrderCommands;
}

export function createPartnerPortalScope(
  client: PartnerPortalClient,
  scope: CallScope,
  links: PartnerLinkStore,
  concurrency: number,
): PartnerPortalScope {
  const loaders = createPartnerPortalLoaders(client, scope, links, concurrency);
  return {
    client,
    loaders,
    partners: new PartnerPortalPartnerCommands(client, loaders, links, scope),
    portalOrders: new PartnerPortalOrderCommands(client, loaders, scope),
  };
}
