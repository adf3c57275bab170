import type { CallScope } from '../http.js';
import type { NationalExpressClient } from './client.js';

/** National Express Accounts as one GraphQL operation sees it. */
export interface NationalExpressScope {
  client: NationalExpressClient;
}

export function createNationalExpressScope(
  client: NationalExpressClient,
  _scope: CallScope,
  _concurrency: number,
): NationalExpressScope {
  return { client };
}
