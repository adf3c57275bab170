import type { OAuthVendorEndpoint } from '../../config.js';
import type { VendorHttp } from '../http.js';

/**
 * One typed method per Partner Orders call, through the shared VendorHttp, with OAuth 2.0 client-credentials
 * tokens. One instance per configured vendor, shared by all requests: the token cache is the only state, and it
 * belongs to the gateway's client id, not to any caller.
 */
export class PartnerOrdersClient {
  constructor(
    private readonly http: VendorHttp,
    private readonly endpoint: OAuthVendorEndpoint,
  ) {}
}
