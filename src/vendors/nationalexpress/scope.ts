import type { CallScope } from '../http.js';
import { NationalExpressAccountCommands } from './account-commands.js';
import { NationalExpressRequestError } from './client.js';
import type { NationalExpressClient } from './client.js';
import { createNationalExpressLoaders, loadRange } from './loaders.js';
import type { NationalExpressLoaders, NeAccountFilterQuery } from './loaders.js';
import type { NeAccount, NeTicketLink } from './contract.js';
import { listErrorFromVendor } from './mappers.js';

/** National Express Accounts as one GraphQL operation sees it: fresh loaders, paged reads over them, and writes. */
export interface NationalExpressScope {
  /** Shared, stateless; for calls no loader covers. */
  client: NationalExpressClient;
  loaders: NationalExpressLoaders;
  accounts: NationalExpressAccountCommands;
  /** Accounts [offset, offset + count) of the filtered list (count ≤ 100), in one or two vendor calls. */
  accountRange(
    filter: NeAccountFilterQuery,
    offset: number,
    count: number,
  ): Promise<{ items: NeAccount[]; total: number }>;
  /** An account's ticket links [offset, offset + count), in one or two calls; null for an unknown account. */
  ticketRange(
    accountId: string,
    offset: number,
    count: number,
  ): Promise<{ items: NeTicketLink[]; total: number } | null>;
}

export function createNationalExpressScope(
  client: NationalExpressClient,
  scope: CallScope,
  concurrency: number,
): NationalExpressScope {
  const loaders = createNationalExpressLoaders(client, scope, concurrency);
  return {
    client,
    loaders,
    accounts: new NationalExpressAccountCommands(client, loaders, scope),
    accountRange: async (filter, offset, count) => {
      try {
        const range = await loadRange(offset, count, (page, pageSize) =>
          loaders.accountPages.load({ ...filter, page, pageSize }),
        );
        return range ?? { items: [], total: 0 };
      } catch (error) {
        // The vendor's rules for email and search are the client's input rules.
        if (error instanceof NationalExpressRequestError) throw listErrorFromVendor(error);
        throw error;
      }
    },
    ticketRange: (accountId, offset, count) =>
      loadRange(offset, count, (page, pageSize) => loaders.ticketPages.load({ accountId, page, pageSize })),
  };
}
