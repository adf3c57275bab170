import type { VendorHttp } from '../http.js';

/**
 * One typed method per NFC Tagify call, through the shared VendorHttp (which also paces calls to the vendor's
 * published rate limit). Stateless: one instance per configured vendor, shared by all requests.
 */
export class NfcTagifyClient {
  constructor(private readonly http: VendorHttp) {}
}
