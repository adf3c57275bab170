/**
 * What a National Express Accounts sandbox starts with under `seed: true`. The document has no example data, so
 * all of it is ours: enough accounts in every status that filters and pages mean something, and a few linked
 * tickets shaped like the Channel Manager's. README.md ("Seed") lists it all.
 */
import type { NeAccountStatus } from './contract.js';

export interface SeedTicket {
  ticketReference: string;
  linkedAt: string;
}

export interface SeedAccount {
  accountId: string;
  /** Stored lower-case: the vendor compares emails case-insensitively. */
  email: string;
  firstName: string;
  lastName: string;
  displayName: string | null;
  status: NeAccountStatus;
  createdAt: string;
  updatedAt: string;
  tickets: readonly SeedTicket[];
}

/** The ticket of the Channel Manager's seeded order (Jane Doe's wallet): linked to the first account. */
export const SEEDED_TICKET_REFERENCE = 'ATF-BIL010665L-3';
/**
 * The seeded order's second ticket (John Doe's wallet). Deliberately not linked, so that a fresh sandbox pair has a
 * real Channel Manager ticket ready to link.
 */
export const SEEDED_UNLINKED_TICKET_REFERENCE = 'ATF-BIL010665L-4';

function account(
  n: number,
  firstName: string,
  lastName: string,
  email: string,
  status: NeAccountStatus,
  createdAt: string,
  extra: { displayName?: string; updatedAt?: string; tickets?: SeedTicket[] } = {},
): SeedAccount {
  const tickets = extra.tickets ?? [];
  const lastLink = tickets.reduce(
    (latest, ticket) => (ticket.linkedAt > latest ? ticket.linkedAt : latest),
    '',
  );
  return {
    accountId: `NXA-${100000 + n}`,
    email,
    firstName,
    lastName,
    displayName: extra.displayName ?? null,
    status,
    createdAt,
    // A link moves updatedAt, so an account is never older than its newest link.
    updatedAt: [createdAt, extra.updatedAt ?? '', lastLink].sort().at(-1) ?? createdAt,
    tickets,
  };
}

/**
 * In creation order, which is also id order and the order of `GET /accounts`. Account 1 is the Channel Manager's
 * seeded guest (Jane Doe, guest@example.com), so a ticket of that order leads to an account and back. The other
 * linked references use ticket batches below the Channel Manager's seeded 010665: its issuance counts upwards from
 * 010666, so they can never collide with a ticket it issues later.
 */
export const SEEDED_ACCOUNTS: readonly SeedAccount[] = [
  account(1, 'Jane', 'Doe', 'guest@example.com', 'active', '2024-03-04T09:15:00Z', {
    tickets: [{ ticketReference: SEEDED_TICKET_REFERENCE, linkedAt: '2026-05-15T09:31:00Z' }],
  }),
  account(2, 'Oliver', 'Bennett', 'oliver.bennett@example.co.uk', 'active', '2024-04-11T14:02:00Z', {
    tickets: [
      { ticketReference: 'ATF-BIL010512L-1', linkedAt: '2025-08-02T16:20:00Z' },
      { ticketReference: 'ATF-BIL010512L-2', linkedAt: '2025-08-02T16:20:30Z' },
    ],
  }),
  account(3, 'Amelia', 'Hughes', 'amelia.hughes@example.co.uk', 'active', '2024-05-20T08:47:00Z', {
    displayName: 'Millie',
  }),
  account(4, 'Harry', 'Patel', 'harry.patel@example.com', 'active', '2024-06-28T19:30:00Z', {
    tickets: [{ ticketReference: 'ATF-BIL010598L-1', linkedAt: '2026-01-14T11:45:00Z' }],
  }),
  account(5, 'Sophie', 'Evans', 'sophie.evans@example.co.uk', 'suspended', '2024-08-09T07:55:00Z', {
    updatedAt: '2025-11-03T09:00:00Z',
    tickets: [{ ticketReference: 'ATF-BIL010433L-2', linkedAt: '2025-03-22T12:10:00Z' }],
  }),
  account(6, 'George', 'Williams', 'george.williams@example.org.uk', 'active', '2024-09-17T12:40:00Z'),
  account(7, 'Emily', 'Thompson', 'emily.thompson@example.co.uk', 'closed', '2024-10-25T18:12:00Z', {
    updatedAt: '2025-06-30T17:00:00Z',
    tickets: [{ ticketReference: 'ATF-BIL010301L-1', linkedAt: '2024-12-19T08:05:00Z' }],
  }),
  account(8, 'Mohammed', 'Khan', 'mohammed.khan@example.com', 'active', '2024-12-02T10:20:00Z', {
    displayName: 'Mo',
  }),
  account(9, 'Charlotte', 'Davies', 'charlotte.davies@example.co.uk', 'active', '2025-01-13T15:33:00Z'),
  account(10, 'Jack', "O'Connor", 'jack.oconnor@example.co.uk', 'active', '2025-02-21T09:09:00Z'),
  account(11, 'Grace', 'Robinson', 'grace.robinson@example.com', 'suspended', '2025-04-01T13:25:00Z', {
    updatedAt: '2026-02-10T10:00:00Z',
  }),
  account(12, 'Thomas', 'Wright', 'thomas.wright@example.co.uk', 'active', '2025-05-16T11:11:00Z'),
  account(13, 'Priya', 'Sharma', 'priya.sharma@example.co.uk', 'closed', '2025-07-07T16:48:00Z', {
    updatedAt: '2026-03-01T08:30:00Z',
  }),
  account(14, 'Callum', 'MacLeod', 'callum.macleod@example.co.uk', 'active', '2025-09-23T20:05:00Z'),
  account(15, 'Olivia', 'Hughes', 'olivia.hughes@example.com', 'active', '2025-12-04T08:00:00Z'),
  account(16, 'Isla', 'Campbell', 'isla.campbell@example.co.uk', 'pending', '2026-05-28T17:42:00Z'),
  account(17, 'Rhys', 'Jones', 'rhys.jones@example.co.uk', 'pending', '2026-06-02T07:30:00Z', {
    displayName: 'Rhys',
  }),
];

function seeded(n: number): SeedAccount {
  const found = SEEDED_ACCOUNTS[n - 1];
  if (!found) throw new Error(`no seeded account ${n}`);
  return found;
}

export const SEEDED_ACCOUNT_COUNT = SEEDED_ACCOUNTS.length;
/** Jane Doe: active, holds SEEDED_TICKET_REFERENCE. */
export const SEEDED_ACCOUNT_ID = seeded(1).accountId;
export const SEEDED_ACCOUNT_EMAIL = seeded(1).email;
/** Amelia Hughes: active, no tickets. */
export const SEEDED_ACTIVE_ACCOUNT_ID = seeded(3).accountId;
/** Sophie Evans: suspended, still holds one ticket. */
export const SEEDED_SUSPENDED_ACCOUNT_ID = seeded(5).accountId;
/** Emily Thompson: closed, still holds one ticket. */
export const SEEDED_CLOSED_ACCOUNT_ID = seeded(7).accountId;
/** Isla Campbell: pending (email not yet confirmed); tickets may be linked. */
export const SEEDED_PENDING_ACCOUNT_ID = seeded(16).accountId;
