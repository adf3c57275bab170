import type { CallScope, VendorHttp } from '../http.js';

/**
 * One typed method per PartnerPortal call, through the shared VendorHttp. Stateless: one instance per configured
 * vendor, shared by all requests; per-request caching lives in `loaders.ts`.
 */
export class PartnerPortalClient {
  constructor(private readonly http: VendorHttp) {}

  /** `GET /v1/ping`: true when the vendor answers and accepts our key. */
  async ping(scope: CallScope): Promise<boolean> {
    const response = await this.http.call({ operation: 'ping', method: 'GET', path: '/ping' }, scope);
    return response.status === 200;
  }
}
