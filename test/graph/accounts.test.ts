import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningGateway } from '../../src/server.js';
import {
  SEEDED_ACCOUNT_COUNT,
  SEEDED_ACCOUNT_ID,
  SEEDED_ACTIVE_ACCOUNT_ID,
  SEEDED_CLOSED_ACCOUNT_ID,
  SEEDED_PENDING_ACCOUNT_ID,
  SEEDED_SUSPENDED_ACCOUNT_ID,
  SEEDED_TICKET_REFERENCE,
  SEEDED_UNLINKED_TICKET_REFERENCE,
} from '../../src/vendors/nationalexpress/sandbox.js';
import type { Transport } from '../../src/vendors/transport.js';
import { callsSince, upstreamCalls } from '../support/upstream-calls.js';
import { startStack } from '../support/stack.js';
import type { GraphQLResponse, TestStack } from '../support/stack.js';

const SEEDED_ORDER = '9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8';
/** Well formed, but the sandbox's ticketing system (`knownTicket`) does not know it. */
const UNKNOWN_TICKET = 'ATF-NOSUCH999-1';

const ACCOUNT_FIELDS = 'id email name status firstName lastName createdAt updatedAt linkedTicketCount';
const PAYLOAD = `account { ${ACCOUNT_FIELDS} tickets { totalCount nodes { id referenceNumber } } }
  userErrors { field message code }`;
const LINK = `mutation ($accountId: ID!, $ref: String!) { linkTicket(accountId: $accountId, ticketReference: $ref) { ${PAYLOAD} } }`;
const UNLINK = `mutation ($accountId: ID!, $ref: String!) { unlinkTicket(accountId: $accountId, ticketReference: $ref) { ${PAYLOAD} } }`;
const ORDER_TICKET_ACCOUNTS = `{ order(id: "${SEEDED_ORDER}") { items { wallets { tickets {
  referenceNumber order { id } account { id linkedTicketCount } } } } } }`;

const PAGE_FIELDS = `totalCount nodes { id } edges { cursor node { id } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
const LIST = `query ($filter: AccountFilter, $first: Int, $after: String) {
  accounts(filter: $filter, first: $first, after: $after) { ${PAGE_FIELDS} } }`;

interface PageShape {
  totalCount: number;
  nodes: { id: string }[];
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}
interface Payload {
  account: {
    id: string;
    linkedTicketCount: number;
    tickets: { totalCount: number; nodes: { id: string; referenceNumber: string }[] };
  } | null;
  userErrors: { field: string[] | null; message: string; code: string }[];
}
interface OrderTickets {
  order: {
    items: {
      wallets: {
        tickets: {
          referenceNumber: string;
          order: { id: string } | null;
          account: { id: string; linkedTicketCount: number } | null;
        }[];
      }[];
    }[];
  };
}

const accountId = (n: number): string => `NXA-${100000 + n}`;
const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, index) => accountId(from + index));

/** National Express attempts by HTTP status, from the gateway's own `gateway_vendor_requests_total`. */
async function vendorStatuses(gateway: RunningGateway): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { labels, value } of (await gateway.metrics.vendorRequests.get()).values) {
    if (labels.vendor !== 'national_express') continue;
    counts[String(labels.status)] = (counts[String(labels.status)] ?? 0) + value;
  }
  return counts;
}

function statusesSince(before: Record<string, number>, now: Record<string, number>): Record<string, number> {
  return callsSince(before, now);
}

function onlyError(response: GraphQLResponse): { message: string; extensions?: Record<string, unknown> } {
  const [error, ...more] = response.body.errors ?? [];
  assert.ok(error, `expected an error, got ${JSON.stringify(response.body)}`);
  assert.deepEqual(more, []);
  return error;
}

/** What the gateway sent National Express and what came back, seen on the wire. */
interface WireExchange {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

function recordingTransport(exchanges: WireExchange[]): (transport: Transport) => Transport {
  return (transport) => ({
    async send(request) {
      const response = await transport.send(request);
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = undefined;
      }
      exchanges.push({ url: request.url, headers: request.headers, body });
      return {
        status: response.status,
        header: (name) => response.header(name),
        text: () => Promise.resolve(text),
      };
    },
    close: () => transport.close(),
  });
}

describe('accounts: reads, filters, paging, ticket links and their relations', () => {
  let stack: TestStack;
  const wire: WireExchange[] = [];

  before(async () => {
    stack = await startStack({
      seed: true,
      sandboxes: { nationalExpress: { knownTicket: (reference) => reference !== UNKNOWN_TICKET } },
      wrapTransport: recordingTransport(wire),
    });
  });
  after(async () => {
    await stack.close();
  });

  const list = async (variables: Record<string, unknown>): Promise<PageShape> => {
    const response = await stack.gql<{ accounts: PageShape }>(LIST, variables);
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    return response.body.data!.accounts;
  };

  it('reads the seeded Jane Doe with her ticket, which leads to its account but not (by reference) its order', async () => {
    const response = await stack.gql(
      `query ($id: ID!) { account(id: $id) { ${ACCOUNT_FIELDS}
        tickets { totalCount nodes { id referenceNumber type itemNumber order { id } account { id } } } } }`,
      { id: SEEDED_ACCOUNT_ID },
    );
    assert.deepEqual(response.body, {
      data: {
        account: {
          id: 'NXA-100001',
          email: 'guest@example.com',
          name: 'Jane Doe',
          status: 'ACTIVE',
          firstName: 'Jane',
          lastName: 'Doe',
          createdAt: '2024-03-04T09:15:00.000Z',
          updatedAt: '2026-05-15T09:31:00.000Z',
          linkedTicketCount: 1,
          tickets: {
            totalCount: 1,
            nodes: [
              {
                id: SEEDED_TICKET_REFERENCE,
                referenceNumber: SEEDED_TICKET_REFERENCE,
                type: 'ticket',
                itemNumber: '',
                order: null,
                account: { id: 'NXA-100001' },
              },
            ],
          },
        },
      },
    });
  });

  it('uses the chosen name, maps every status, and answers null for an account the vendor does not have', async () => {
    const response = await stack.gql(
      `{ millie: account(id: "${SEEDED_ACTIVE_ACCOUNT_ID}") { name firstName status }
         suspended: account(id: "${SEEDED_SUSPENDED_ACCOUNT_ID}") { status }
         closed: account(id: "${SEEDED_CLOSED_ACCOUNT_ID}") { status }
         pending: account(id: "${SEEDED_PENDING_ACCOUNT_ID}") { status }
         unknown: account(id: "NXA-999999") { id }
         odd: account(id: "no/such id") { id }
         empty: account(id: "") { id }
         dot: account(id: ".") { id } }`,
    );
    assert.deepEqual(response.body, {
      data: {
        millie: { name: 'Millie', firstName: 'Amelia', status: 'ACTIVE' },
        suspended: { status: 'SUSPENDED' },
        closed: { status: 'CLOSED' },
        pending: { status: 'PENDING' },
        unknown: null,
        odd: null,
        empty: null,
        dot: null,
      },
    });
  });

  it('walks all 17 accounts oldest first with first 1, 5 and 20 alike, one vendor call per page', async () => {
    const walks: Record<number, string[]> = {};
    for (const first of [1, 5, 20]) {
      const before = await upstreamCalls(stack.gateway);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      for (;;) {
        const page: PageShape = await list({ first, after: cursor });
        pages++;
        assert.equal(page.totalCount, SEEDED_ACCOUNT_COUNT);
        assert.deepEqual(page.pageInfo, {
          hasNextPage: seen.length + page.nodes.length < SEEDED_ACCOUNT_COUNT,
          hasPreviousPage: seen.length > 0,
          startCursor: page.edges[0]?.cursor ?? null,
          endCursor: page.edges.at(-1)?.cursor ?? null,
        });
        assert.deepEqual(
          page.edges.map((edge) => edge.node.id),
          page.nodes.map((node) => node.id),
        );
        seen.push(...page.nodes.map((node) => node.id));
        if (!page.pageInfo.hasNextPage) break;
        cursor = page.pageInfo.endCursor;
      }
      walks[first] = seen;
      assert.equal(pages, Math.ceil(SEEDED_ACCOUNT_COUNT / first));
      assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
        'national_express.listAccounts': pages,
      });
    }
    assert.deepEqual(walks[1], range(1, 17));
    assert.deepEqual(walks[5], walks[1]);
    assert.deepEqual(walks[20], walks[1]);
  });

  it('continues after any edge, across vendor pages, and knows the total with first 0', async () => {
    const five = await list({ first: 5 });
    const fromThird = await list({ first: 7, after: five.edges[2]?.cursor });
    assert.deepEqual(
      fromThird.nodes.map((node) => node.id),
      range(4, 10),
    );
    assert.equal(fromThird.pageInfo.hasPreviousPage, true);
    const ten = await list({ first: 10 });
    const straddling = await list({ first: 4, after: ten.pageInfo.endCursor });
    assert.deepEqual(
      straddling.nodes.map((node) => node.id),
      range(11, 14),
    );
    // 99 after the first one: no vendor page size up to 100 holds positions 1–99 and 100 alike, so two calls.
    const one = await list({ first: 1 });
    const before = await upstreamCalls(stack.gateway);
    const wide = await list({ first: 100, after: one.pageInfo.endCursor });
    assert.deepEqual(
      wide.nodes.map((node) => node.id),
      range(2, 17),
    );
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'national_express.listAccounts': 2,
    });
    const rest = await list({ first: 100, after: straddling.pageInfo.endCursor });
    assert.deepEqual(
      rest.nodes.map((node) => node.id),
      range(15, 17),
    );
    assert.equal(rest.pageInfo.hasNextPage, false);
    const beyond = await list({ first: 5, after: rest.pageInfo.endCursor });
    assert.deepEqual(beyond, {
      totalCount: 17,
      nodes: [],
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
    const none = await list({ first: 0 });
    assert.deepEqual(none, {
      totalCount: 17,
      nodes: [],
      edges: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('filters by status, email and search, and pages within a filter', async () => {
    const active: string[] = [];
    let cursor: string | null = null;
    do {
      const page: PageShape = await list({ filter: { status: 'ACTIVE' }, first: 4, after: cursor });
      assert.equal(page.totalCount, 11);
      active.push(...page.nodes.map((node) => node.id));
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (cursor);
    assert.deepEqual(active, [1, 2, 3, 4, 6, 8, 9, 10, 12, 14, 15].map(accountId));

    const counts = await stack.gql(
      `{ pending: accounts(filter: { status: "PENDING" }) { totalCount nodes { id } }
         suspended: accounts(filter: { status: "SUSPENDED" }) { totalCount nodes { id } }
         closed: accounts(filter: { status: "CLOSED" }) { totalCount nodes { id } }
         email: accounts(filter: { email: "GUEST@example.com" }) { totalCount nodes { id email } }
         hughes: accounts(filter: { search: "hughes" }) { totalCount nodes { id name } }
         both: accounts(filter: { search: "hughes", status: "ACTIVE", email: "olivia.hughes@example.com" }) {
           totalCount nodes { id } }
         nobody: accounts(filter: { search: "zzz-nobody" }) { totalCount nodes { id }
           pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
    );
    assert.deepEqual(counts.body, {
      data: {
        pending: { totalCount: 2, nodes: [{ id: 'NXA-100016' }, { id: 'NXA-100017' }] },
        suspended: { totalCount: 2, nodes: [{ id: 'NXA-100005' }, { id: 'NXA-100011' }] },
        closed: { totalCount: 2, nodes: [{ id: 'NXA-100007' }, { id: 'NXA-100013' }] },
        email: { totalCount: 1, nodes: [{ id: 'NXA-100001', email: 'guest@example.com' }] },
        hughes: {
          totalCount: 2,
          nodes: [
            { id: 'NXA-100003', name: 'Millie' },
            { id: 'NXA-100015', name: 'Olivia Hughes' },
          ],
        },
        both: { totalCount: 1, nodes: [{ id: 'NXA-100015' }] },
        nobody: {
          totalCount: 0,
          nodes: [],
          pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
        },
      },
    });
  });

  it('refuses a bad filter naming it, a bad page size and a cursor of another list or filter', async () => {
    const before = await upstreamCalls(stack.gateway);
    const status = onlyError(await stack.gql(LIST, { filter: { status: 'active' } }));
    assert.equal(status.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(status.extensions?.field, 'filter.status');
    assert.match(status.message, /^filter\.status must be one of ACTIVE, PENDING, SUSPENDED, CLOSED/);
    const big = onlyError(await stack.gql(LIST, { first: 101 }));
    assert.equal(big.extensions?.code, 'BAD_USER_INPUT');
    // Refused here: nothing went upstream.
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});

    // The vendor's own rules for email and search, with its field message, named as our argument.
    const email = onlyError(await stack.gql(LIST, { filter: { email: 'not-an-address' } }));
    assert.deepEqual(
      { code: email.extensions?.code, field: email.extensions?.field, message: email.message },
      { code: 'BAD_USER_INPUT', field: 'filter.email', message: 'filter.email must be an email address.' },
    );
    const search = onlyError(await stack.gql(LIST, { filter: { search: '   ' } }));
    assert.equal(search.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(search.extensions?.field, 'filter.search');

    const active = await list({ filter: { status: 'ACTIVE' }, first: 2 });
    const otherFilter = onlyError(await stack.gql(LIST, { first: 2, after: active.pageInfo.endCursor }));
    assert.equal(otherFilter.extensions?.code, 'BAD_USER_INPUT');
    assert.match(otherFilter.message, /another filter/);
    const cardCursor = Buffer.from('nt-card-orders:v1:abc:1').toString('base64url');
    assert.equal(onlyError(await stack.gql(LIST, { after: cardCursor })).extensions?.code, 'BAD_USER_INPUT');
    const tickets = await stack.gql<{ account: { tickets: PageShape } }>(
      `{ account(id: "NXA-100002") { tickets(first: 1) { ${PAGE_FIELDS} } } }`,
    );
    const ticketCursor = tickets.body.data!.account.tickets.pageInfo.endCursor;
    assert.equal(
      onlyError(await stack.gql(LIST, { after: ticketCursor })).extensions?.code,
      'BAD_USER_INPUT',
    );
  });

  it("pages an account's tickets in linking order", async () => {
    const TICKETS = `query ($after: String) { account(id: "NXA-100002") {
      tickets(first: 1, after: $after) { ${PAGE_FIELDS.replace('nodes { id }', 'nodes { id referenceNumber }')} } } }`;
    const first = await stack.gql<{ account: { tickets: PageShape } }>(TICKETS);
    const page1 = first.body.data!.account.tickets;
    assert.deepEqual(page1.nodes, [{ id: 'ATF-BIL010512L-1', referenceNumber: 'ATF-BIL010512L-1' }]);
    assert.equal(page1.totalCount, 2);
    assert.equal(page1.pageInfo.hasNextPage, true);
    const second = await stack.gql<{ account: { tickets: PageShape } }>(TICKETS, {
      after: page1.pageInfo.endCursor,
    });
    const page2 = second.body.data!.account.tickets;
    assert.deepEqual(page2.nodes, [{ id: 'ATF-BIL010512L-2', referenceNumber: 'ATF-BIL010512L-2' }]);
    assert.deepEqual(page2.pageInfo, {
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: page2.edges[0]?.cursor,
      endCursor: page2.edges[0]?.cursor,
    });
    // A cursor of one account's tickets means nothing for another's.
    const foreign = onlyError(
      await stack.gql(
        `query ($after: String) { account(id: "NXA-100001") { tickets(after: $after) { totalCount } } }`,
        {
          after: page1.pageInfo.endCursor,
        },
      ),
    );
    assert.equal(foreign.extensions?.code, 'BAD_USER_INPUT');
  });

  it('costs one list call and one tickets call per account for 20 accounts with their tickets and accounts', async () => {
    const before = await upstreamCalls(stack.gateway);
    const response = await stack.gql<{
      accounts: { nodes: { id: string; tickets: { nodes: { account: { id: string } }[] } }[] };
    }>(
      `{ accounts(first: 20) { nodes { id tickets { totalCount nodes { referenceNumber account { id } } } } } }`,
    );
    assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
    const nodes = response.body.data!.accounts.nodes;
    assert.equal(nodes.length, 17);
    for (const node of nodes)
      for (const ticket of node.tickets.nodes) assert.equal(ticket.account.id, node.id);
    assert.equal(nodes.flatMap((node) => node.tickets.nodes).length, 6);
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'national_express.listAccounts': 1,
      'national_express.listTickets': 17,
    });
  });

  it("resolves an order's tickets to their accounts with one reverse lookup, and to their order", async () => {
    const before = await upstreamCalls(stack.gateway);
    const response = await stack.gql<OrderTickets>(ORDER_TICKET_ACCOUNTS);
    assert.deepEqual(response.body, {
      data: {
        order: {
          items: [
            {
              wallets: [
                {
                  tickets: [
                    {
                      referenceNumber: SEEDED_TICKET_REFERENCE,
                      order: { id: SEEDED_ORDER },
                      account: { id: SEEDED_ACCOUNT_ID, linkedTicketCount: 1 },
                    },
                  ],
                },
                {
                  tickets: [
                    {
                      referenceNumber: SEEDED_UNLINKED_TICKET_REFERENCE,
                      order: { id: SEEDED_ORDER },
                      account: null,
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
    });
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {
      'channel_manager.getOrder': 1,
      'national_express.accountsByTicketReferences': 1,
    });
    const lookup = wire.filter((exchange) => exchange.url.includes('ticketReferences=')).at(-1);
    assert.ok(lookup);
    assert.deepEqual(new URL(lookup.url).searchParams.get('ticketReferences')?.split(',').sort(), [
      SEEDED_TICKET_REFERENCE,
      SEEDED_UNLINKED_TICKET_REFERENCE,
    ]);
  });

  it('links the seeded order’s second ticket, shows it both ways, and unlinks it twice without an error', async () => {
    const linked = await stack.gql<{ linkTicket: Payload }>(LINK, {
      accountId: SEEDED_ACTIVE_ACCOUNT_ID,
      ref: SEEDED_UNLINKED_TICKET_REFERENCE,
    });
    assert.equal(linked.body.errors, undefined, JSON.stringify(linked.body.errors));
    const payload = linked.body.data!.linkTicket;
    assert.deepEqual(payload.userErrors, []);
    assert.equal(payload.account?.id, SEEDED_ACTIVE_ACCOUNT_ID);
    assert.equal(payload.account?.linkedTicketCount, 1);
    assert.deepEqual(payload.account?.tickets, {
      totalCount: 1,
      nodes: [{ id: SEEDED_UNLINKED_TICKET_REFERENCE, referenceNumber: SEEDED_UNLINKED_TICKET_REFERENCE }],
    });

    // Linking again changes nothing and is no error.
    const again = await stack.gql<{ linkTicket: Payload }>(LINK, {
      accountId: SEEDED_ACTIVE_ACCOUNT_ID,
      ref: SEEDED_UNLINKED_TICKET_REFERENCE,
    });
    assert.deepEqual(again.body.data?.linkTicket.userErrors, []);
    assert.equal(again.body.data?.linkTicket.account?.linkedTicketCount, 1);

    const fromOrder = await stack.gql<OrderTickets>(ORDER_TICKET_ACCOUNTS);
    const accounts = fromOrder.body.data!.order.items[0]!.wallets.map((wallet) => wallet.tickets[0]?.account);
    assert.deepEqual(accounts, [
      { id: SEEDED_ACCOUNT_ID, linkedTicketCount: 1 },
      { id: SEEDED_ACTIVE_ACCOUNT_ID, linkedTicketCount: 1 },
    ]);

    // Held by another account: a DUPLICATE on the argument, and nothing changes.
    const elsewhere = await stack.gql<{ linkTicket: Payload }>(LINK, {
      accountId: accountId(4),
      ref: SEEDED_UNLINKED_TICKET_REFERENCE,
    });
    assert.deepEqual(elsewhere.body, {
      data: {
        linkTicket: {
          account: null,
          userErrors: [
            {
              field: ['ticketReference'],
              code: 'DUPLICATE',
              message:
                'ticketReference is already linked to another account; it must be unlinked there first.',
            },
          ],
        },
      },
    });

    const unlinked = await stack.gql<{ unlinkTicket: Payload }>(UNLINK, {
      accountId: SEEDED_ACTIVE_ACCOUNT_ID,
      ref: SEEDED_UNLINKED_TICKET_REFERENCE,
    });
    assert.deepEqual(unlinked.body.data?.unlinkTicket.userErrors, []);
    assert.equal(unlinked.body.data?.unlinkTicket.account?.linkedTicketCount, 0);
    assert.deepEqual(unlinked.body.data?.unlinkTicket.account?.tickets, { totalCount: 0, nodes: [] });

    // A retried unlink (its first answer lost) finds nothing to unlink: done, not an error.
    const twice = await stack.gql<{ unlinkTicket: Payload }>(UNLINK, {
      accountId: SEEDED_ACTIVE_ACCOUNT_ID,
      ref: SEEDED_UNLINKED_TICKET_REFERENCE,
    });
    assert.equal(twice.body.errors, undefined);
    assert.deepEqual(twice.body.data?.unlinkTicket.userErrors, []);
    assert.equal(twice.body.data?.unlinkTicket.account?.linkedTicketCount, 0);

    const afterwards = await stack.gql<OrderTickets>(ORDER_TICKET_ACCOUNTS);
    assert.equal(afterwards.body.data!.order.items[0]!.wallets[1]!.tickets[0]!.account, null);
  });

  it('links to a pending account, and answers the account’s status, a missing account and bad references as user errors', async () => {
    const pending = await stack.gql<{ linkTicket: Payload }>(LINK, {
      accountId: SEEDED_PENDING_ACCOUNT_ID,
      ref: SEEDED_UNLINKED_TICKET_REFERENCE,
    });
    assert.deepEqual(pending.body.data?.linkTicket.userErrors, []);
    assert.equal(pending.body.data?.linkTicket.account?.linkedTicketCount, 1);
    const released = await stack.gql<{ unlinkTicket: Payload }>(UNLINK, {
      accountId: SEEDED_PENDING_ACCOUNT_ID,
      ref: SEEDED_UNLINKED_TICKET_REFERENCE,
    });
    assert.deepEqual(released.body.data?.unlinkTicket.userErrors, []);

    const cases: [string, string, string, Payload['userErrors']][] = [
      [
        'linkTicket',
        SEEDED_SUSPENDED_ACCOUNT_ID,
        SEEDED_UNLINKED_TICKET_REFERENCE,
        [
          {
            field: ['accountId'],
            code: 'INVALID_STATE',
            message:
              'Tickets can be linked to ACTIVE and PENDING accounts only; this account is in another status.',
          },
        ],
      ],
      [
        'linkTicket',
        'NXA-999999',
        SEEDED_UNLINKED_TICKET_REFERENCE,
        [
          {
            field: ['accountId'],
            code: 'NOT_FOUND',
            message: 'No National Express account with this id exists.',
          },
        ],
      ],
      [
        'unlinkTicket',
        'NXA-999999',
        SEEDED_TICKET_REFERENCE,
        [
          {
            field: ['accountId'],
            code: 'NOT_FOUND',
            message: 'No National Express account with this id exists.',
          },
        ],
      ],
      [
        'linkTicket',
        SEEDED_ACTIVE_ACCOUNT_ID,
        UNKNOWN_TICKET,
        [
          {
            field: ['ticketReference'],
            code: 'VALIDATION',
            message: `ticketReference does not match any ticket in the ticketing system (${UNKNOWN_TICKET}).`,
          },
        ],
      ],
    ];
    for (const [mutation, id, ref, userErrors] of cases) {
      const response = await stack.gql<Record<string, Payload>>(mutation === 'linkTicket' ? LINK : UNLINK, {
        accountId: id,
        ref,
      });
      assert.deepEqual(
        response.body,
        { data: { [mutation]: { account: null, userErrors } } },
        `${mutation} ${id} ${ref}`,
      );
    }

    // A malformed reference never goes upstream.
    const before = await upstreamCalls(stack.gateway);
    for (const mutation of [LINK, UNLINK]) {
      const response = await stack.gql<Record<string, Payload>>(mutation, {
        accountId: SEEDED_ACTIVE_ACCOUNT_ID,
        ref: 'atf-bil010665l-4',
      });
      const payload = Object.values(response.body.data ?? {})[0];
      assert.equal(payload?.account, null);
      assert.deepEqual(
        payload?.userErrors.map((error) => [error.code, error.field]),
        [['VALIDATION', ['ticketReference']]],
      );
    }
    assert.deepEqual(callsSince(before, await upstreamCalls(stack.gateway)), {});

    const suspended = await stack.gql(
      `{ account(id: "${SEEDED_SUSPENDED_ACCOUNT_ID}") { linkedTicketCount } }`,
    );
    assert.deepEqual(suspended.body, { data: { account: { linkedTicketCount: 1 } } });
  });

  it('sends the request id as the tracing id, and the vendor answers it in meta.tracing', async () => {
    const requestId = 'accounts-trace-0001';
    const from = wire.length;
    const response = await stack.gql(`{ account(id: "${SEEDED_ACCOUNT_ID}") { id } }`, undefined, {
      'x-request-id': requestId,
    });
    assert.deepEqual(response.body, { data: { account: { id: SEEDED_ACCOUNT_ID } } });
    assert.equal(response.headers.get('x-request-id'), requestId);
    const exchanges = wire.slice(from).filter((exchange) => exchange.url.includes('/accounts/'));
    assert.equal(exchanges.length, 1);
    const [exchange] = exchanges;
    assert.equal(exchange?.headers['x-tracing-id'], requestId);
    assert.equal((exchange?.body as { meta?: { tracing?: string } }).meta?.tracing, requestId);
    const logged = stack.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter(
        (line) =>
          line.msg === 'vendor call' && line.vendor === 'national_express' && line.requestId === requestId,
      );
    assert.deepEqual(
      logged.map((line) => [line.operation, line.status]),
      [['getAccount', '200']],
    );
    // What the vendor echoed in its Meta block comes back into our logs, under the same request.
    const echoed = stack.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'national express answer' && line.requestId === requestId);
    assert.deepEqual(
      echoed.map((line) => line.tracing),
      [requestId],
    );
  });

  it('answers UPSTREAM_UNAVAILABLE in maintenance (the rest of the answer stands), and retries a 100500', async () => {
    stack.nationalExpress.setMaintenance(true);
    try {
      const before = await vendorStatuses(stack.gateway);
      const response = await stack.gql(
        `{ account(id: "${SEEDED_ACCOUNT_ID}") { id } order(id: "${SEEDED_ORDER}") { id } }`,
      );
      assert.deepEqual(response.body.data, { account: null, order: { id: SEEDED_ORDER } });
      const error = onlyError(response);
      assert.deepEqual(error.extensions, { code: 'UPSTREAM_UNAVAILABLE', vendor: 'National Express' });
      assert.equal(error.message, 'National Express is unavailable (HTTP 503).');
      // Its Retry-After (30 s) is beyond what the gateway waits within an operation: no second attempt.
      assert.deepEqual(statusesSince(before, await vendorStatuses(stack.gateway)), { '503': 1 });

      const mutation = onlyError(
        await stack.gql(LINK, { accountId: SEEDED_ACTIVE_ACCOUNT_ID, ref: SEEDED_TICKET_REFERENCE }),
      );
      assert.equal(mutation.extensions?.code, 'UPSTREAM_UNAVAILABLE');
    } finally {
      stack.nationalExpress.setMaintenance(false);
    }

    const before = await vendorStatuses(stack.gateway);
    stack.nationalExpress.failNext(1);
    const retried = await stack.gql(`{ account(id: "${SEEDED_ACCOUNT_ID}") { id } }`);
    assert.deepEqual(retried.body, { data: { account: { id: SEEDED_ACCOUNT_ID } } });
    assert.deepEqual(statusesSince(before, await vendorStatuses(stack.gateway)), { '500': 1, '200': 1 });

    const failing = await vendorStatuses(stack.gateway);
    stack.nationalExpress.failNext(3);
    const failed = await stack.gql(`{ accounts(first: 2) { totalCount } }`);
    const error = onlyError(failed);
    assert.deepEqual(error.extensions, { code: 'UPSTREAM_UNAVAILABLE', vendor: 'National Express' });
    assert.deepEqual(statusesSince(failing, await vendorStatuses(stack.gateway)), { '500': 3 });
  });
});

/**
 * A sandbox clock that runs with real time from a chosen instant, so a test can place itself a few seconds
 * before the vendor's minute window ends and still let that window end.
 */
function movableClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    setTo: (iso: string) => {
      offset = Date.parse(iso) - Date.now();
    },
  };
}

describe('accounts: 100429 is waited out when short and RATE_LIMITED when long', () => {
  let stack: TestStack;
  const clock = movableClock();

  before(async () => {
    stack = await startStack({
      seed: true,
      sandboxes: { nationalExpress: { requestsPerMinute: 2, now: clock.now } },
    });
  });
  after(async () => {
    await stack.close();
  });

  const GET = `{ account(id: "${SEEDED_ACCOUNT_ID}") { id } }`;

  it('waits out a Retry-After of a second or two and answers', async () => {
    // 1.5 s before the vendor's minute ends: the third call meets a 429 with Retry-After 2 (or 1).
    clock.setTo('2026-12-01T10:00:58.500Z');
    for (let call = 0; call < 2; call++) {
      assert.deepEqual((await stack.gql(GET)).body, { data: { account: { id: SEEDED_ACCOUNT_ID } } });
    }
    const started = Date.now();
    const third = await stack.gql(GET);
    assert.deepEqual(third.body, { data: { account: { id: SEEDED_ACCOUNT_ID } } });
    assert.ok(Date.now() - started >= 900, `answered after ${Date.now() - started} ms`);
    assert.deepEqual(await vendorStatuses(stack.gateway), { '200': 3, '429': 1 });
  });

  it('answers RATE_LIMITED with the vendor’s delay when its window has most of a minute to run', async () => {
    clock.setTo('2026-12-01T10:05:00.500Z');
    for (let call = 0; call < 2; call++) {
      assert.deepEqual((await stack.gql(GET)).body, { data: { account: { id: SEEDED_ACCOUNT_ID } } });
    }
    const before = await vendorStatuses(stack.gateway);
    const limited = await stack.gql(GET);
    assert.deepEqual(limited.body.data, { account: null });
    const error = onlyError(limited);
    assert.equal(error.extensions?.code, 'RATE_LIMITED');
    const retryAfterSeconds = error.extensions?.retryAfterSeconds as number;
    assert.ok(retryAfterSeconds > 5 && retryAfterSeconds <= 60, String(retryAfterSeconds));
    assert.equal(
      error.message,
      `National Express is rate limiting requests; retry in ${retryAfterSeconds} s.`,
    );
    assert.deepEqual(statusesSince(before, await vendorStatuses(stack.gateway)), { '429': 1 });
  });
});
