import type { PartnerLinkStore } from '../../store/partner-links.js';
import type { CallScope } from '../http.js';
import type { PartnerPortalClient } from './client.js';

/** PartnerPortal as one GraphQL operation sees it. */
export interface PartnerPortalScope {
  client: PartnerPortalClient;
}

export function createPartnerPortalScope(
  client: PartnerPortalClient,
  _scope: CallScope,
  _links: PartnerLinkStore,
  _concurrency: number,
): PartnerPortalScope {
  return { client };
}
