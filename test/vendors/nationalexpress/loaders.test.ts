import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallScope } from '../../../src/vendors/http.js';
import type { NationalExpressClient, NePage } from '../../../src/vendors/nationalexpress/client.js';
import type {
  NeAccount,
  NeListAccountsQuery,
  NeTicketLink,
} from '../../../src/vendors/nationalexpress/contract.js';
import { createNationalExpressLoaders, planPages } from '../../../src/vendors/nationalexpress/loaders.js';

const scope: CallScope = { requestId: 'loader-test', deadline: Date.now() + 60_000 };

const account = (n: number, matched?: string[]): NeAccount => ({
  accountId: `NXA-${100000 + n}`,
  email: `a${n}@example.com`,
  firstName: 'A',
  lastName: String(n),
  displayName: null,
  status: 'active',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  linkedTicketCount: matched?.length ?? 0,
  ...(matched ? { matchedTicketReferences: matched } : {}),
  links: {},
});

const page = <T>(items: T[]): NePage<T> => ({
  items,
  pagination: { page: 1, pageSize: 100, totalItems: items.length, totalPages: items.length > 0 ? 1 : 0 },
});

/** Records every batch the vendor was asked for. `holders` maps a reference to the account number holding it. */
function recordingClient(holders: Record<string, number>) {
  const lookups: string[][] = [];
  const gets: string[] = [];
  const lists: NeListAccountsQuery[] = [];
  const ticketLists: string[] = [];
  const client = {
    accountsByTicketReferences(references: readonly string[]): Promise<NeAccount[]> {
      lookups.push([...references]);
      const byAccount = new Map<number, string[]>();
      for (const reference of references) {
        const holder = holders[reference];
        if (holder !== undefined) byAccount.set(holder, [...(byAccount.get(holder) ?? []), reference]);
      }
      return Promise.resolve([...byAccount].map(([n, matched]) => account(n, matched)));
    },
    getAccount(id: string): Promise<NeAccount | null> {
      gets.push(id);
      return Promise.resolve(id === 'NXA-100001' ? account(1) : null);
    },
    listAccounts(query: NeListAccountsQuery): Promise<NePage<NeAccount>> {
      lists.push(query);
      return Promise.resolve(page([account(7), account(8)]));
    },
    listTickets(accountId: string): Promise<NePage<NeTicketLink> | null> {
      ticketLists.push(accountId);
      return Promise.resolve(accountId === 'NXA-100001' ? page([]) : null);
    },
  };
  return { client: client as unknown as NationalExpressClient, lookups, gets, lists, ticketLists };
}

const ref = (n: number): string => `ATF-BIL${String(n).padStart(6, '0')}L-1`;

describe('National Express loaders', () => {
  it('looks up the holders of a batch of references in one call, answered back by reference', async () => {
    const vendor = recordingClient({ [ref(1)]: 1, [ref(2)]: 2, [ref(3)]: 1 });
    const loaders = createNationalExpressLoaders(vendor.client, scope, 4);
    const answers = await Promise.all(
      [ref(3), ref(1), ref(9), ref(2), ref(1), 'not a reference', 'atf-lower-1'].map((key) =>
        loaders.accountByTicketReference.load(key),
      ),
    );
    // Deduplicated, and what can be no reference is not asked (it would fail the whole batch).
    assert.deepEqual(vendor.lookups, [[ref(3), ref(1), ref(9), ref(2)]]);
    assert.deepEqual(
      answers.map((answer) => answer?.accountId ?? null),
      ['NXA-100001', 'NXA-100001', null, 'NXA-100002', 'NXA-100001', null, null],
    );
    // The lookup-only field stays at the edge of the loader.
    assert.equal(answers[0] && 'matchedTicketReferences' in answers[0], false);
  });

  it('splits 250 references into batches of 100, the most one lookup may carry', async () => {
    const vendor = recordingClient({});
    const loaders = createNationalExpressLoaders(vendor.client, scope, 4);
    const keys = Array.from({ length: 250 }, (_, index) => ref(index));
    await loaders.accountByTicketReference.loadMany(keys);
    assert.deepEqual(
      vendor.lookups.map((batch) => batch.length),
      [100, 100, 50],
    );
    assert.deepEqual(vendor.lookups.flat(), keys);
  });

  it('primes accounts by id from lookups and list pages, so a later read asks nothing', async () => {
    const vendor = recordingClient({ [ref(1)]: 1 });
    const loaders = createNationalExpressLoaders(vendor.client, scope, 4);
    await loaders.accountByTicketReference.load(ref(1));
    await loaders.accountPages.load({ status: 'active', page: 1, pageSize: 2 });
    const [one, seven, eight] = await Promise.all(
      ['NXA-100001', 'NXA-100007', 'NXA-100008'].map((id) => loaders.accountById.load(id)),
    );
    assert.deepEqual(
      [one?.accountId, seven?.accountId, eight?.accountId],
      ['NXA-100001', 'NXA-100007', 'NXA-100008'],
    );
    assert.equal(one && 'matchedTicketReferences' in one, false);
    assert.deepEqual(vendor.gets, []);
  });

  it('reads accounts by id once per distinct id, null for one the vendor does not have', async () => {
    const vendor = recordingClient({});
    const loaders = createNationalExpressLoaders(vendor.client, scope, 4);
    const answers = await Promise.all(
      ['NXA-100001', 'NXA-999999', 'NXA-100001'].map((id) => loaders.accountById.load(id)),
    );
    assert.deepEqual(vendor.gets, ['NXA-100001', 'NXA-999999']);
    assert.deepEqual(
      answers.map((answer) => answer?.accountId ?? null),
      ['NXA-100001', null, 'NXA-100001'],
    );
  });

  it('makes one call per distinct list page and ticket page, whatever the key order', async () => {
    const vendor = recordingClient({});
    const loaders = createNationalExpressLoaders(vendor.client, scope, 4);
    await Promise.all([
      loaders.accountPages.load({ status: 'active', search: 'x', page: 1, pageSize: 5 }),
      loaders.accountPages.load({ search: 'x', pageSize: 5, page: 1, status: 'active' }),
      loaders.accountPages.load({ status: 'active', search: 'x', page: 2, pageSize: 5 }),
      loaders.ticketPages.load({ accountId: 'NXA-100001', page: 1, pageSize: 20 }),
      loaders.ticketPages.load({ accountId: 'NXA-100001', page: 1, pageSize: 20 }),
      loaders.ticketPages.load({ accountId: 'NXA-100002', page: 1, pageSize: 20 }),
    ]);
    assert.deepEqual(
      vendor.lists.map((query) => query.page),
      [1, 2],
    );
    assert.deepEqual(vendor.ticketLists, ['NXA-100001', 'NXA-100002']);
  });

  it('plans one aligned page where one can hold the slice, two pages otherwise', () => {
    assert.deepEqual(planPages(0, 20), { pageSize: 20, pages: [1], skip: 0 });
    assert.deepEqual(planPages(20, 20), { pageSize: 20, pages: [2], skip: 0 });
    assert.deepEqual(planPages(3, 7), { pageSize: 10, pages: [1], skip: 3 });
    assert.deepEqual(planPages(10, 4), { pageSize: 5, pages: [3], skip: 0 });
    assert.deepEqual(planPages(95, 10), { pageSize: 15, pages: [7], skip: 5 });
    // No page size from 100 to 100 holds positions 1–100 on one page.
    assert.deepEqual(planPages(1, 100), { pageSize: 100, pages: [1, 2], skip: 1 });
    assert.deepEqual(planPages(5, 0), { pageSize: 1, pages: [1], skip: 0 });
  });
});
