import type { CallScope } from '../http.js';
import type { NfcTagifyClient } from './client.js';

/** NFC Tagify as one GraphQL operation sees it. */
export interface NfcTagifyScope {
  client: NfcTagifyClient;
}

export function createNfcTagifyScope(
  client: NfcTagifyClient,
  _scope: CallScope,
  _concurrency: number,
): NfcTagifyScope {
  return { client };
}
