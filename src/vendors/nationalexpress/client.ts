import type { VendorHttp } from '../http.js';

/**
 * One typed method per National Express Accounts call, through the shared VendorHttp. Stateless: one instance
 * per configured vendor, shared by all requests; per-request caching lives in `loaders.ts`.
 */
export class NationalExpressClient {
  constructor(private readonly http: VendorHttp) {}
}
