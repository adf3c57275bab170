import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import type { CallScope } from '../http.js';
import type { NationalExpressClient, NePage } from './client.js';
import { NE_MAX_PAGE_SIZE, NE_MAX_TICKET_REFERENCES, NE_TICKET_REFERENCE_PATTERN } from './contract.js';
import type { NeAccount, NeListAccountsQuery, NeTicketLink } from './contract.js';
import { planVendorPages } from '../paging.js';

/** The filters of `GET /accounts` without the page parameters: what a walk over the pages keeps constant. */
export type NeAccountFilterQuery = Omit<NeListAccountsQuery, 'page' | 'pageSize' | 'ticketReferences'>;

/** One page of `GET /accounts` with these filters. */
export type AccountPageKey = NeAccountFilterQuery & { page: number; pageSize: number };

/** One page of `GET /accounts/{accountId}/tickets`. */
export interface TicketPageKey {
  accountId: string;
  page: number;
  pageSize: number;
}

/**
 * National Express loaders. One set per GraphQL operation (built in `createNationalExpressScope`), never shared
 * between callers: the cache is the operation's view of the vendor, and every call counts against its rate limit.
 */
export interface NationalExpressLoaders {
  /** Accounts by id; null for one the vendor does not have. Primed by every list page and reverse lookup. */
  accountById: DataLoader<string, NeAccount | null>;
  /** `GET /accounts` pages, one call per distinct filter, page and page size; prime `accountById`. */
  accountPages: DataLoader<AccountPageKey, NePage<NeAccount>, string>;
  /** An account's ticket pages, one call per distinct account, page and size; null for an unknown account. */
  ticketPages: DataLoader<TicketPageKey, NePage<NeTicketLink> | null, string>;
  /**
   * Which account holds a ticket reference: one `GET /accounts?ticketReferences=…` per batch of up to 100
   * references, answered back by reference; null for a reference nobody holds (or no reference can be).
   */
  accountByTicketReference: DataLoader<string, NeAccount | null>;
}

const sortedKey = (query: object): string =>
  JSON.stringify(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : 1)));

export function createNationalExpressLoaders(
  client: NationalExpressClient,
  scope: CallScope,
  concurrency: number,
): NationalExpressLoaders {
  const limit = pLimit(concurrency);
  const settle = <T>(work: Promise<T>): Promise<T | Error> =>
    work.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  // A list or lookup answer is the freshest view of an account in this operation.
  const prime = (account: NeAccount): void => {
    const { matchedTicketReferences: _matched, ...plain } = account;
    accountById.clear(plain.accountId).prime(plain.accountId, plain);
  };

  // The vendor has no read of several accounts by id: a batch becomes parallel GETs, `concurrency` at once.
  const accountById: DataLoader<string, NeAccount | null> = new DataLoader(
    (ids) => Promise.all(ids.map((id) => settle(limit(() => client.getAccount(id, scope))))),
    { maxBatchSize: 100 },
  );

  return {
    accountById,
    accountPages: new DataLoader<AccountPageKey, NePage<NeAccount>, string>(
      (keys) =>
        Promise.all(
          keys.map((key) =>
            settle(
              limit(async () => {
                const page = await client.listAccounts(key, scope);
                page.items.forEach(prime);
                return page;
              }),
            ),
          ),
        ),
      { cacheKeyFn: sortedKey },
    ),
    ticketPages: new DataLoader<TicketPageKey, NePage<NeTicketLink> | null, string>(
      (keys) =>
        Promise.all(
          keys.map((key) =>
            settle(
              limit(() =>
                client.listTickets(key.accountId, { page: key.page, pageSize: key.pageSize }, scope),
              ),
            ),
          ),
        ),
      { cacheKeyFn: (key) => JSON.stringify([key.accountId, key.page, key.pageSize]) },
    ),
    accountByTicketReference: new DataLoader<string, NeAccount | null>(
      async (references) => {
        // A malformed entry would fail the whole batch (100400), and can be linked to nobody anyway.
        const asked = [
          ...new Set(references.filter((reference) => NE_TICKET_REFERENCE_PATTERN.test(reference))),
        ];
        const holders = new Map<string, NeAccount>();
        if (asked.length > 0) {
          for (const account of await client.accountsByTicketReferences(asked, scope)) {
            for (const reference of account.matchedTicketReferences ?? []) holders.set(reference, account);
            prime(account);
          }
        }
        return references.map((reference) => {
          const holder = holders.get(reference);
          if (!holder) return null;
          const { matchedTicketReferences: _matched, ...plain } = holder;
          return plain;
        });
      },
      { maxBatchSize: NE_MAX_TICKET_REFERENCES },
    ),
  };
}

/** The vendor pages to read for one slice of a list, and where the slice starts in what they answer. */
export interface PagePlan {
  pageSize: number;
  /** 1-based page numbers, consecutive: one or two. */
  pages: number[];
  /** Index of the slice's first item within the concatenated pages. */
  skip: number;
}

/**
 * Which pages cover items [offset, offset + count) of a list, with count ≤ 100. The smallest page size (≥ count)
 * whose one page holds the whole slice wins, so a client walking with a fixed `first` gets pages aligned to it,
 * one call each; when none up to 100 can, two consecutive pages of `count` do. `count` 0 reads one item to learn
 * the total.
 */
export function planPages(offset: number, count: number): PagePlan {
  const { size, ...plan } = planVendorPages(offset, count, NE_MAX_PAGE_SIZE);
  return { pageSize: size, ...plan };
}

/** Items [offset, offset + count) of a paged list, read through `load`, and the list's total. */
export async function loadRange<T>(
  offset: number,
  count: number,
  load: (page: number, pageSize: number) => Promise<NePage<T> | null>,
): Promise<{ items: T[]; total: number } | null> {
  const plan = planPages(offset, count);
  const pages = await Promise.all(plan.pages.map((page) => load(page, plan.pageSize)));
  if (pages.some((page) => page === null)) return null;
  const answered = pages as NePage<T>[];
  const items = answered.flatMap((page) => page.items).slice(plan.skip, plan.skip + count);
  // The later page is the fresher count when items came or went between the two calls.
  return { items, total: answered.at(-1)?.pagination.totalItems ?? 0 };
}
