import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SEEDED_ACCOUNT_COUNT,
  SEEDED_ACCOUNT_EMAIL,
  SEEDED_ACCOUNT_ID,
  SEEDED_ACCOUNTS,
  SEEDED_ACTIVE_ACCOUNT_ID,
  SEEDED_CLOSED_ACCOUNT_ID,
  SEEDED_PENDING_ACCOUNT_ID,
  SEEDED_SUSPENDED_ACCOUNT_ID,
  SEEDED_TICKET_REFERENCE,
  SEEDED_UNLINKED_TICKET_REFERENCE,
  startNationalExpressSandbox,
} from '../../../src/vendors/nationalexpress/sandbox.js';
import type {
  NationalExpressSandbox,
  NationalExpressSandboxOptions,
} from '../../../src/vendors/nationalexpress/sandbox.js';
import type {
  NeAccount,
  NeEnvelope,
  NeErrorTypeDef,
  NeList,
  NeResponseCode,
  NeTicketLink,
} from '../../../src/vendors/nationalexpress/contract.js';

const API_KEY = `ne-test-token-${randomUUID()}`;
const NOW = new Date('2026-06-10T12:00:45.123Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACCOUNT_KEYS = [
  'accountId',
  'email',
  'firstName',
  'lastName',
  'displayName',
  'status',
  'createdAt',
  'updatedAt',
  'linkedTicketCount',
  'links',
];

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: NeEnvelope<unknown>;
}

interface SendOptions {
  body?: unknown;
  /** Sent as is, for malformed bodies. */
  raw?: string;
  /** null sends no Authorization header. */
  token?: string | null;
  contentType?: string;
  headers?: Record<string, string>;
}

async function send(
  sandbox: NationalExpressSandbox,
  method: string,
  path: string,
  options: SendOptions = {},
): Promise<Reply> {
  return sendTo(`${sandbox.baseUrl}${path}`, method, options);
}

async function sendTo(url: string, method: string, options: SendOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? API_KEY : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(url, { method, headers, body: payload });
  const text = await response.text();
  assert.match(response.headers.get('content-type') ?? '', /application\/json/, `${method} ${url}: ${text}`);
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: JSON.parse(text) as NeEnvelope<unknown>,
  };
}

/** Asserts the envelope every answer carries: code, status, Meta, absolute self link. */
function assertEnvelope(reply: Reply, status: number, code: NeResponseCode, origin: string): void {
  assert.equal(reply.status, status, reply.text);
  const body = reply.body;
  assert.equal(body.code, code, reply.text);
  assert.equal(typeof body.message, 'string');
  assert.equal(body.meta.version, '1.0');
  assert.ok(!Number.isNaN(Date.parse(body.meta.timestamp)), body.meta.timestamp);
  assert.equal(typeof body.meta.tracing, 'string');
  assert.equal(reply.headers.get('x-tracing-id'), body.meta.tracing);
  assert.ok(body.links.self?.href.startsWith(`${origin}/`), JSON.stringify(body.links));
}

function assertError(
  reply: Reply,
  status: number,
  code: NeResponseCode,
  origin: string,
): NeEnvelope<unknown> & { data: null } {
  assertEnvelope(reply, status, code, origin);
  assert.equal(reply.body.data, null);
  assert.doesNotMatch(reply.text, /<html|at \w+ \(/i);
  return reply.body as NeEnvelope<unknown> & { data: null };
}

/** Asserts a 100400 and returns its ErrorTypeDefs. */
function validationErrors(reply: Reply, origin: string): NeErrorTypeDef[] {
  assertError(reply, 400, 100400, origin);
  const errors = reply.body.errors ?? [];
  assert.ok(errors.length > 0, reply.text);
  for (const error of errors) {
    assert.equal(typeof error.field, 'string');
    assert.equal(typeof error.message, 'string');
  }
  return errors;
}

function asList<T>(reply: Reply): NeList<T> {
  assert.equal(reply.status, 200, reply.text);
  return reply.body as NeList<T>;
}

function ids(list: NeList<NeAccount>): string[] {
  return list.data.map((account) => account.accountId);
}

async function start(options: Partial<NationalExpressSandboxOptions> = {}): Promise<NationalExpressSandbox> {
  return startNationalExpressSandbox({ apiKey: API_KEY, now: () => NOW, ...options });
}

/** Every page of a list, by following `next` hrefs only. */
async function followPages<T>(first: Reply): Promise<NeList<T>[]> {
  const pages = [asList<T>(first)];
  for (let next = pages[0]?.links.next; next !== undefined && pages.length < 50;) {
    const page = asList<T>(await sendTo(next.href, 'GET'));
    pages.push(page);
    next = page.links.next;
  }
  return pages;
}

function seeded(accountId: string): (typeof SEEDED_ACCOUNTS)[number] {
  const found = SEEDED_ACCOUNTS.find((account) => account.accountId === accountId);
  assert.ok(found, accountId);
  return found;
}

describe('National Express sandbox: envelope, Meta and tracing', () => {
  let sandbox: NationalExpressSandbox;
  before(async () => {
    sandbox = await start();
  });
  after(async () => sandbox.close());

  it('answers an account in the whole envelope: code 100000, Meta and absolute HATEOAS links', async () => {
    const reply = await send(sandbox, 'GET', `/accounts/${SEEDED_ACCOUNT_ID}`, {
      headers: { 'x-tracing-id': 'trace-abc-123' },
    });
    assertEnvelope(reply, 200, 100000, sandbox.origin);
    const self = `${sandbox.origin}/accounts/${SEEDED_ACCOUNT_ID}`;
    const expected: NeEnvelope<NeAccount> = {
      code: 100000,
      message: 'Success',
      data: {
        accountId: SEEDED_ACCOUNT_ID,
        email: SEEDED_ACCOUNT_EMAIL,
        firstName: 'Jane',
        lastName: 'Doe',
        displayName: null,
        status: 'active',
        createdAt: '2024-03-04T09:15:00Z',
        updatedAt: '2026-05-15T09:31:00Z',
        linkedTicketCount: 1,
        links: {
          self: { href: self },
          tickets: { href: `${self}/tickets` },
          link: { href: `${self}/tickets`, method: 'POST' },
          unlink: { href: `${self}/tickets/{ticketReference}`, method: 'DELETE', templated: true },
        },
      },
      meta: { timestamp: '2026-06-10T12:00:45.123Z', version: '1.0', tracing: 'trace-abc-123' },
      links: {
        self: { href: self },
        tickets: { href: `${self}/tickets` },
        link: { href: `${self}/tickets`, method: 'POST' },
        unlink: { href: `${self}/tickets/{ticketReference}`, method: 'DELETE', templated: true },
      },
    };
    assert.deepEqual(reply.body, expected);
    assert.deepEqual(Object.keys(reply.body), ['code', 'message', 'data', 'meta', 'links']);
    assert.deepEqual(Object.keys(reply.body.data as NeAccount), ACCOUNT_KEYS);
    assert.equal(reply.headers.get('x-tracing-id'), 'trace-abc-123');
  });

  it('takes x-request-id as the tracing id when x-tracing-id is absent; x-tracing-id wins when both are sent', async () => {
    const requestId = await send(sandbox, 'GET', '/accounts', { headers: { 'x-request-id': 'gw-req-42' } });
    assert.equal(requestId.body.meta.tracing, 'gw-req-42');
    const both = await send(sandbox, 'GET', '/accounts', {
      headers: { 'x-request-id': 'gw-req-42', 'x-tracing-id': 'trace-1' },
    });
    assert.equal(both.body.meta.tracing, 'trace-1');
    assert.equal(both.headers.get('x-tracing-id'), 'trace-1');
  });

  it('makes up a fresh tracing id when none (or an unusable one) is sent', async () => {
    const first = await send(sandbox, 'GET', '/accounts');
    const second = await send(sandbox, 'GET', '/accounts', { headers: { 'x-tracing-id': 'has spaces' } });
    assert.match(first.body.meta.tracing ?? '', UUID);
    assert.match(second.body.meta.tracing ?? '', UUID);
    assert.notEqual(first.body.meta.tracing, second.body.meta.tracing);
  });

  it('carries Meta with the echoed tracing id and a self link on errors too', async () => {
    const unknown = await send(sandbox, 'GET', '/accounts/NXA-999999', {
      headers: { 'x-tracing-id': 't-404' },
    });
    const error = assertError(unknown, 404, 100404, sandbox.origin);
    assert.equal(error.meta.tracing, 't-404');
    assert.equal(error.message, 'Not Found: Account not found: NXA-999999');
    assert.deepEqual(error.links, { self: { href: `${sandbox.origin}/accounts/NXA-999999` } });
    assert.equal(error.errors, undefined);

    const unauthenticated = await send(sandbox, 'GET', '/accounts', {
      token: null,
      headers: { 'x-request-id': 't-401' },
    });
    assert.equal(assertError(unauthenticated, 401, 100401, sandbox.origin).meta.tracing, 't-401');
  });
});

describe('National Express sandbox: authentication and routing', () => {
  let sandbox: NationalExpressSandbox;
  before(async () => {
    sandbox = await start();
  });
  after(async () => sandbox.close());

  for (const [label, headers] of [
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['the token without the Bearer scheme', { authorization: API_KEY }],
    ['another scheme', { authorization: `Basic ${API_KEY}` }],
  ] as const) {
    it(`answers 401 / 100401 for ${label}, never echoing the token`, async () => {
      const reply = await send(sandbox, 'GET', '/accounts', { token: null, headers });
      const error = assertError(reply, 401, 100401, sandbox.origin);
      assert.equal(error.message, 'Authentication Error: Invalid or missing bearer token');
      assert.equal(reply.headers.get('www-authenticate'), 'Bearer');
      assert.ok(!reply.text.includes(API_KEY));
    });
  }

  it('accepts the scheme in any case', async () => {
    const reply = await send(sandbox, 'GET', '/accounts', {
      token: null,
      headers: { authorization: `bearer ${API_KEY}` },
    });
    assertEnvelope(reply, 200, 100000, sandbox.origin);
  });

  it('checks the token before routes and bodies: an unknown route or malformed body without one is 100401', async () => {
    assertError(await send(sandbox, 'GET', '/nowhere', { token: null }), 401, 100401, sandbox.origin);
    const body = await send(sandbox, 'POST', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`, {
      token: null,
      raw: '{',
    });
    assertError(body, 401, 100401, sandbox.origin);
  });

  it('answers unknown routes and methods with a 404 / 100404 envelope, never HTML', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['GET', '/v1/accounts'],
      ['PATCH', `/accounts/${SEEDED_ACCOUNT_ID}`],
      ['POST', '/accounts'],
      ['DELETE', `/accounts/${SEEDED_ACCOUNT_ID}`],
    ] as const) {
      const reply = await send(sandbox, method, path);
      const error = assertError(reply, 404, 100404, sandbox.origin);
      assert.equal(error.message, `Not Found: No route ${method} ${path}`);
    }
  });

  it('answers 100404 for an unknown or malformed account id on every account route', async () => {
    for (const id of ['NXA-999999', 'nope', 'nxa-100001']) {
      for (const [method, path] of [
        ['GET', `/accounts/${id}`],
        ['GET', `/accounts/${id}/tickets`],
        ['GET', `/accounts/${id}/tickets/${SEEDED_TICKET_REFERENCE}`],
        ['DELETE', `/accounts/${id}/tickets/${SEEDED_TICKET_REFERENCE}`],
      ] as const) {
        assertError(await send(sandbox, method, path), 404, 100404, sandbox.origin);
      }
      const link = await send(sandbox, 'POST', `/accounts/${id}/tickets`, {
        body: { ticketReference: SEEDED_UNLINKED_TICKET_REFERENCE },
      });
      assertError(link, 404, 100404, sandbox.origin);
    }
  });
});

describe('National Express sandbox: GET /accounts filters and pages', () => {
  let sandbox: NationalExpressSandbox;
  before(async () => {
    sandbox = await start();
  });
  after(async () => sandbox.close());

  const allIds = [...SEEDED_ACCOUNTS]
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
    .map((account) => account.accountId);

  it('seeds at least a dozen accounts in every status', () => {
    assert.ok(SEEDED_ACCOUNT_COUNT >= 14);
    for (const status of ['active', 'suspended', 'closed', 'pending'] as const) {
      assert.ok(SEEDED_ACCOUNTS.filter((account) => account.status === status).length >= 2, status);
    }
  });

  it('lists 20 per page by default, oldest first, with pagination and paging links', async () => {
    const list = asList<NeAccount>(await send(sandbox, 'GET', '/accounts'));
    assert.equal(list.code, 100000);
    assert.deepEqual(ids(list), allIds);
    assert.deepEqual(list.pagination, {
      page: 1,
      pageSize: 20,
      totalItems: SEEDED_ACCOUNT_COUNT,
      totalPages: 1,
    });
    const href = `${sandbox.origin}/accounts?page=1&pageSize=20`;
    assert.deepEqual(list.links, { self: { href }, first: { href }, last: { href } });
    assert.deepEqual(Object.keys(list), ['code', 'message', 'data', 'pagination', 'meta', 'links']);
    for (const account of list.data) {
      assert.deepEqual(Object.keys(account), ACCOUNT_KEYS);
      assert.equal(account.links.self?.href, `${sandbox.origin}/accounts/${account.accountId}`);
    }
  });

  it('pages 5 at a time by following next hrefs: every account once, in order, with prev/first/last', async () => {
    const pages = await followPages<NeAccount>(await send(sandbox, 'GET', '/accounts?pageSize=5'));
    assert.equal(pages.length, 4);
    assert.deepEqual(pages.flatMap(ids), allIds);
    pages.forEach((page, index) => {
      assert.deepEqual(page.pagination, {
        page: index + 1,
        pageSize: 5,
        totalItems: SEEDED_ACCOUNT_COUNT,
        totalPages: 4,
      });
      const at = (n: number): string => `${sandbox.origin}/accounts?page=${n}&pageSize=5`;
      assert.equal(page.links.self?.href, at(index + 1));
      assert.equal(page.links.first?.href, at(1));
      assert.equal(page.links.last?.href, at(4));
      assert.equal(page.links.prev?.href, index === 0 ? undefined : at(index));
      assert.equal(page.links.next?.href, index === 3 ? undefined : at(index + 2));
    });
    assert.equal(pages[3]?.data.length, 2);

    // prev leads back to the same page the caller came from.
    const back = asList<NeAccount>(await sendTo(pages[2]?.links.prev?.href ?? '', 'GET'));
    assert.deepEqual(ids(back), ids(pages[1] as NeList<NeAccount>));
  });

  it('answers a page past the end with no data, the totals, and a prev link to the last page', async () => {
    const list = asList<NeAccount>(await send(sandbox, 'GET', '/accounts?page=9&pageSize=5'));
    assert.deepEqual(list.data, []);
    assert.deepEqual(list.pagination, {
      page: 9,
      pageSize: 5,
      totalItems: SEEDED_ACCOUNT_COUNT,
      totalPages: 4,
    });
    assert.equal(list.links.prev?.href, `${sandbox.origin}/accounts?page=4&pageSize=5`);
    assert.equal(list.links.next, undefined);
  });

  it('filters by email exactly and case-insensitively', async () => {
    const exact = asList<NeAccount>(
      await send(sandbox, 'GET', `/accounts?email=${encodeURIComponent('Oliver.Bennett@EXAMPLE.co.uk')}`),
    );
    assert.deepEqual(ids(exact), ['NXA-100002']);
    assert.equal(exact.data[0]?.email, 'oliver.bennett@example.co.uk');
    const partial = asList<NeAccount>(await send(sandbox, 'GET', '/accounts?email=bennett%40example.co.uk'));
    assert.deepEqual(partial.data, []);
    assert.equal(partial.pagination.totalPages, 0);
    assert.equal(
      partial.links.last?.href,
      `${sandbox.origin}/accounts?email=bennett%40example.co.uk&page=1&pageSize=20`,
    );
  });

  it('filters by each status', async () => {
    for (const status of ['active', 'suspended', 'closed', 'pending'] as const) {
      const list = asList<NeAccount>(await send(sandbox, 'GET', `/accounts?status=${status}&pageSize=100`));
      const expected = allIds.filter((id) => seeded(id).status === status);
      assert.deepEqual(ids(list), expected, status);
      assert.ok(list.data.every((account) => account.status === status));
    }
  });

  it('searches names, display names, full names and emails as case-insensitive substrings', async () => {
    const cases: [string, string[]][] = [
      ['hughes', ['NXA-100003', 'NXA-100015']],
      ['MILLIE', ['NXA-100003']],
      ['jane doe', ['NXA-100001']],
      ['example.org.uk', ['NXA-100006']],
      ["o'connor", ['NXA-100010']],
      ['zebedee', []],
    ];
    for (const [search, expected] of cases) {
      const list = asList<NeAccount>(
        await send(sandbox, 'GET', `/accounts?search=${encodeURIComponent(search)}`),
      );
      assert.deepEqual(ids(list), expected, search);
    }
  });

  it('combines filters with AND, and keeps them in every paging link', async () => {
    const combined = asList<NeAccount>(await send(sandbox, 'GET', '/accounts?status=active&search=hughes'));
    assert.deepEqual(ids(combined), ['NXA-100003', 'NXA-100015']);
    const none = asList<NeAccount>(await send(sandbox, 'GET', '/accounts?status=pending&search=hughes'));
    assert.deepEqual(none.data, []);

    const pages = await followPages<NeAccount>(
      await send(sandbox, 'GET', '/accounts?status=active&pageSize=4'),
    );
    const active = allIds.filter((id) => seeded(id).status === 'active');
    assert.deepEqual(pages.flatMap(ids), active);
    assert.equal(pages.length, Math.ceil(active.length / 4));
    assert.match(
      pages[0]?.links.next?.href ?? '',
      /^http:\/\/127\.0\.0\.1:\d+\/accounts\?status=active&page=2&pageSize=4$/,
    );
  });

  it('names every invalid filter and paging parameter at once (100400)', async () => {
    const reply = await send(
      sandbox,
      'GET',
      '/accounts?status=frozen&email=not-an-email&search=%20&page=0&pageSize=101',
    );
    const errors = validationErrors(reply, sandbox.origin);
    assert.deepEqual(
      errors.map((error) => [error.field, error.code]),
      [
        ['email', 'INVALID_FORMAT'],
        ['status', 'INVALID_VALUE'],
        ['search', 'OUT_OF_RANGE'],
        ['page', 'OUT_OF_RANGE'],
        ['pageSize', 'OUT_OF_RANGE'],
      ],
    );
    assert.equal(errors[1]?.message, 'must be one of active, suspended, closed, pending');
    assert.equal(errors[4]?.message, 'must be an integer from 1 to 100');
    assert.match(
      reply.body.message,
      /^Validation Error: email must be an email address \(and 4 more problems\)$/,
    );
  });

  it('refuses non-numeric paging and repeated parameters, naming them', async () => {
    for (const [query, field] of [
      ['page=abc', 'page'],
      ['pageSize=1.5', 'pageSize'],
      ['pageSize=', 'pageSize'],
      ['status=active&status=closed', 'status'],
      ['email=', 'email'],
    ] as const) {
      const errors = validationErrors(await send(sandbox, 'GET', `/accounts?${query}`), sandbox.origin);
      assert.deepEqual(
        errors.map((error) => error.field),
        [field],
        query,
      );
    }
  });
});

describe('National Express sandbox: reverse lookup by ticket references', () => {
  let sandbox: NationalExpressSandbox;
  before(async () => {
    sandbox = await start();
  });
  after(async () => sandbox.close());

  it('answers, in one call, which accounts hold which of many references; unlinked ones are simply absent', async () => {
    sandbox.resetCounts();
    const references = [
      'ATF-BIL010512L-2',
      SEEDED_TICKET_REFERENCE,
      'ATF-BIL010598L-1',
      'ATF-BIL010512L-1',
      SEEDED_UNLINKED_TICKET_REFERENCE,
      'ATF-BIL999999L-1',
    ];
    const list = asList<NeAccount>(
      await send(sandbox, 'GET', `/accounts?ticketReferences=${references.join(',')}`),
    );
    assert.deepEqual(
      list.data.map((account) => [account.accountId, account.matchedTicketReferences]),
      [
        ['NXA-100001', [SEEDED_TICKET_REFERENCE]],
        ['NXA-100002', ['ATF-BIL010512L-1', 'ATF-BIL010512L-2']],
        ['NXA-100004', ['ATF-BIL010598L-1']],
      ],
    );
    // A lookup of up to 100 references fits one page by default.
    assert.equal(list.pagination.pageSize, 100);
    assert.equal(list.data[0]?.linkedTicketCount, 1);
    assert.deepEqual(Object.keys(list.data[1] ?? {}), [
      ...ACCOUNT_KEYS.slice(0, -1),
      'matchedTicketReferences',
      'links',
    ]);
    assert.deepEqual(sandbox.requestCounts(), { 'GET /accounts': 1 });
  });

  it('reports suspended and closed holders too, and combines with the other filters', async () => {
    const all = asList<NeAccount>(
      await send(sandbox, 'GET', '/accounts?ticketReferences=ATF-BIL010433L-2,ATF-BIL010301L-1'),
    );
    assert.deepEqual(ids(all), [SEEDED_SUSPENDED_ACCOUNT_ID, SEEDED_CLOSED_ACCOUNT_ID]);
    const closed = asList<NeAccount>(
      await send(
        sandbox,
        'GET',
        '/accounts?ticketReferences=ATF-BIL010433L-2,ATF-BIL010301L-1&status=closed',
      ),
    );
    assert.deepEqual(ids(closed), [SEEDED_CLOSED_ACCOUNT_ID]);
  });

  it('shows matchedTicketReferences only in answers to the lookup', async () => {
    const list = asList<NeAccount>(await send(sandbox, 'GET', '/accounts?pageSize=100'));
    assert.ok(list.data.every((account) => !('matchedTicketReferences' in account)));
  });

  it('takes at most 100 references of the documented format (100400 naming ticketReferences)', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `ATF-BIL010000L-${i + 1}`).join(',');
    for (const [value, code] of [
      [many, 'TOO_MANY'],
      ['ATF-BIL010665L-3,,ATF-BIL010665L-4', 'INVALID_FORMAT'],
      ['ATF-BIL010665L-3,lower-case-1', 'INVALID_FORMAT'],
    ] as const) {
      const errors = validationErrors(
        await send(sandbox, 'GET', `/accounts?ticketReferences=${value}`),
        sandbox.origin,
      );
      assert.deepEqual(
        errors.map((error) => [error.field, error.code]),
        [['ticketReferences', code]],
      );
    }
    const hundred = Array.from({ length: 100 }, (_, i) => `ATF-BIL010000L-${i + 1}`).join(',');
    asList(await send(sandbox, 'GET', `/accounts?ticketReferences=${hundred}`));
  });
});

describe('National Express sandbox: an account and its tickets', () => {
  let sandbox: NationalExpressSandbox;
  before(async () => {
    sandbox = await start();
  });
  after(async () => sandbox.close());

  it('lists an account’s tickets with links to each link, the account, unlinking and linking', async () => {
    const reply = await send(sandbox, 'GET', '/accounts/NXA-100002/tickets');
    const list = asList<NeTicketLink>(reply);
    const account = `${sandbox.origin}/accounts/NXA-100002`;
    const ticket = (reference: string, linkedAt: string): NeTicketLink => ({
      ticketReference: reference,
      accountId: 'NXA-100002',
      linkedAt,
      links: {
        self: { href: `${account}/tickets/${reference}` },
        account: { href: account },
        unlink: { href: `${account}/tickets/${reference}`, method: 'DELETE' },
      },
    });
    assert.deepEqual(list.data, [
      ticket('ATF-BIL010512L-1', '2025-08-02T16:20:00Z'),
      ticket('ATF-BIL010512L-2', '2025-08-02T16:20:30Z'),
    ]);
    assert.deepEqual(list.pagination, { page: 1, pageSize: 20, totalItems: 2, totalPages: 1 });
    const page = `${account}/tickets?page=1&pageSize=20`;
    assert.deepEqual(list.links, {
      self: { href: page },
      first: { href: page },
      last: { href: page },
      account: { href: account },
      link: { href: `${account}/tickets`, method: 'POST' },
    });
  });

  it('pages tickets and follows next, and every self link answers the same link', async () => {
    const pages = await followPages<NeTicketLink>(
      await send(sandbox, 'GET', '/accounts/NXA-100002/tickets?pageSize=1'),
    );
    assert.deepEqual(
      pages.map((page) => page.data.map((link) => link.ticketReference)),
      [['ATF-BIL010512L-1'], ['ATF-BIL010512L-2']],
    );
    for (const link of pages.flatMap((page) => page.data)) {
      const one = await sendTo(link.links.self?.href ?? '', 'GET');
      assertEnvelope(one, 200, 100000, sandbox.origin);
      assert.deepEqual(one.body.data, link);
      assert.deepEqual(one.body.links, link.links);
    }
    const errors = validationErrors(
      await send(sandbox, 'GET', '/accounts/NXA-100002/tickets?page=-1'),
      sandbox.origin,
    );
    assert.deepEqual(
      errors.map((error) => error.field),
      ['page'],
    );
  });

  it('follows an account’s tickets link, and an account with none lists nothing', async () => {
    const account = (await send(sandbox, 'GET', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}`)).body
      .data as NeAccount;
    const list = asList<NeTicketLink>(await sendTo(account.links.tickets?.href ?? '', 'GET'));
    assert.deepEqual(list.data, []);
    assert.deepEqual(list.pagination, { page: 1, pageSize: 20, totalItems: 0, totalPages: 0 });
  });

  it('offers no link relation on suspended and closed accounts', async () => {
    for (const id of [SEEDED_SUSPENDED_ACCOUNT_ID, SEEDED_CLOSED_ACCOUNT_ID]) {
      const account = (await send(sandbox, 'GET', `/accounts/${id}`)).body.data as NeAccount;
      assert.deepEqual(Object.keys(account.links), ['self', 'tickets', 'unlink']);
      assert.equal(account.linkedTicketCount, 1);
      const tickets = asList<NeTicketLink>(await send(sandbox, 'GET', `/accounts/${id}/tickets`));
      assert.equal(tickets.links.link, undefined);
    }
  });

  it('answers 100404 for a ticket that is not linked to this account, even when another account holds it', async () => {
    for (const reference of [SEEDED_UNLINKED_TICKET_REFERENCE, 'ATF-BIL010512L-1', 'not a reference']) {
      const reply = await send(
        sandbox,
        'GET',
        `/accounts/${SEEDED_ACCOUNT_ID}/tickets/${encodeURIComponent(reference)}`,
      );
      assertError(reply, 404, 100404, sandbox.origin);
      assert.ok(!reply.text.includes('NXA-100002'));
    }
  });
});

describe('National Express sandbox: linking and unlinking', () => {
  let sandbox: NationalExpressSandbox;
  const asked: string[] = [];
  const unknown = 'ATF-BIL077777L-1';
  let clock = NOW;
  before(async () => {
    sandbox = await start({
      now: () => clock,
      knownTicket: (reference) => {
        asked.push(reference);
        return reference !== unknown;
      },
    });
  });
  after(async () => sandbox.close());

  async function account(id: string): Promise<NeAccount> {
    const reply = await send(sandbox, 'GET', `/accounts/${id}`);
    assert.equal(reply.status, 200, reply.text);
    return reply.body.data as NeAccount;
  }

  it('links a ticket (201 / 100000), counts it on the account and moves updatedAt', async () => {
    clock = new Date('2026-06-10T12:05:00Z');
    const reply = await send(sandbox, 'POST', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`, {
      body: { ticketReference: SEEDED_UNLINKED_TICKET_REFERENCE },
    });
    assertEnvelope(reply, 201, 100000, sandbox.origin);
    const self = `${sandbox.origin}/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets/${SEEDED_UNLINKED_TICKET_REFERENCE}`;
    const expected: NeTicketLink = {
      ticketReference: SEEDED_UNLINKED_TICKET_REFERENCE,
      accountId: SEEDED_ACTIVE_ACCOUNT_ID,
      linkedAt: '2026-06-10T12:05:00Z',
      links: {
        self: { href: self },
        account: { href: `${sandbox.origin}/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}` },
        unlink: { href: self, method: 'DELETE' },
      },
    };
    assert.deepEqual(reply.body.data, expected);
    assert.deepEqual(reply.body.links, expected.links);
    assert.ok(asked.includes(SEEDED_UNLINKED_TICKET_REFERENCE));

    const updated = await account(SEEDED_ACTIVE_ACCOUNT_ID);
    assert.equal(updated.linkedTicketCount, 1);
    assert.equal(updated.updatedAt, '2026-06-10T12:05:00Z');
    assert.deepEqual((await sendTo(self, 'GET')).body.data, expected);
  });

  it('answers a repeated link to the same account with 200 and the first link, without a duplicate', async () => {
    clock = new Date('2026-06-10T12:06:00Z');
    const reply = await send(sandbox, 'POST', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`, {
      body: { ticketReference: SEEDED_UNLINKED_TICKET_REFERENCE },
    });
    assertEnvelope(reply, 200, 100000, sandbox.origin);
    assert.equal((reply.body.data as NeTicketLink).linkedAt, '2026-06-10T12:05:00Z');
    const tickets = asList<NeTicketLink>(
      await send(sandbox, 'GET', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`),
    );
    assert.deepEqual(
      tickets.data.map((link) => link.ticketReference),
      [SEEDED_UNLINKED_TICKET_REFERENCE],
    );
    assert.equal((await account(SEEDED_ACTIVE_ACCOUNT_ID)).updatedAt, '2026-06-10T12:05:00Z');
  });

  it('refuses a ticket held by another account: 100400 on ticketReference, without naming that account', async () => {
    const reply = await send(sandbox, 'POST', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`, {
      body: { ticketReference: SEEDED_TICKET_REFERENCE },
    });
    const errors = validationErrors(reply, sandbox.origin);
    assert.deepEqual(errors, [
      {
        field: 'ticketReference',
        message: 'is already linked to another account; it must be unlinked there first',
        code: 'TICKET_LINKED_TO_ANOTHER_ACCOUNT',
      },
    ]);
    assert.ok(!reply.text.includes(SEEDED_ACCOUNT_ID));
    assert.equal((await account(SEEDED_ACCOUNT_ID)).linkedTicketCount, 1);
  });

  it('refuses a ticket the ticketing system does not know: 100400 UNKNOWN_TICKET', async () => {
    const errors = validationErrors(
      await send(sandbox, 'POST', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`, {
        body: { ticketReference: unknown },
      }),
      sandbox.origin,
    );
    assert.deepEqual(
      errors.map((error) => [error.field, error.code]),
      [['ticketReference', 'UNKNOWN_TICKET']],
    );
  });

  it('validates the body field by field', async () => {
    const path = `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`;
    const cases: [SendOptions, string, string][] = [
      [{ body: {} }, 'ticketReference', 'REQUIRED'],
      [{ body: { ticketReference: null } }, 'ticketReference', 'REQUIRED'],
      [{ body: { ticketReference: 42 } }, 'ticketReference', 'INVALID_FORMAT'],
      [{ body: { ticketReference: 'atf-bil010665l-3' } }, 'ticketReference', 'INVALID_FORMAT'],
      [{ body: { ticketReference: 'ABC' } }, 'ticketReference', 'INVALID_FORMAT'],
      [{ body: { ticketReference: 'ATF--BIL010665L-3' } }, 'ticketReference', 'INVALID_FORMAT'],
      [{ body: [SEEDED_UNLINKED_TICKET_REFERENCE] }, 'body', 'INVALID_FORMAT'],
      [{}, 'body', 'INVALID_FORMAT'],
      [{ raw: '{"ticketReference": ' }, 'body', 'MALFORMED_JSON'],
      [{ raw: 'ticketReference=X', contentType: 'text/plain' }, 'Content-Type', 'UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [options, field, code] of cases) {
      const errors = validationErrors(await send(sandbox, 'POST', path, options), sandbox.origin);
      assert.deepEqual(
        errors.map((error) => [error.field, error.code]),
        [[field, code]],
        JSON.stringify(options),
      );
    }
    assert.ok(!asked.includes('atf-bil010665l-3'), 'malformed references never reach the ticketing system');
  });

  it('refuses to link to suspended and closed accounts (403 / 100403) but links to pending ones', async () => {
    for (const [id, status] of [
      [SEEDED_SUSPENDED_ACCOUNT_ID, 'suspended'],
      [SEEDED_CLOSED_ACCOUNT_ID, 'closed'],
    ] as const) {
      const reply = await send(sandbox, 'POST', `/accounts/${id}/tickets`, {
        body: { ticketReference: 'ATF-BIL010700L-1' },
      });
      const error = assertError(reply, 403, 100403, sandbox.origin);
      assert.deepEqual(error.errors, [
        {
          field: 'accountId',
          message: `is ${status}; tickets can be linked to active and pending accounts only`,
          code: 'ACCOUNT_NOT_LINKABLE',
        },
      ]);
    }
    const pending = await send(sandbox, 'POST', `/accounts/${SEEDED_PENDING_ACCOUNT_ID}/tickets`, {
      body: { ticketReference: 'ATF-BIL010700L-1' },
    });
    assertEnvelope(pending, 201, 100000, sandbox.origin);
  });

  it('unlinks (200 / 100000, no data) by the link’s own unlink href; a second unlink is 100404', async () => {
    clock = new Date('2026-06-10T12:10:00Z');
    const link = (
      await send(
        sandbox,
        'GET',
        `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets/${SEEDED_UNLINKED_TICKET_REFERENCE}`,
      )
    ).body.data as NeTicketLink;
    const reply = await sendTo(link.links.unlink?.href ?? '', link.links.unlink?.method ?? 'GET');
    assertEnvelope(reply, 200, 100000, sandbox.origin);
    assert.equal(reply.body.data, null);
    const accountHref = `${sandbox.origin}/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}`;
    assert.deepEqual(reply.body.links, {
      self: { href: link.links.self?.href },
      account: { href: accountHref },
      tickets: { href: `${accountHref}/tickets` },
    });
    const updated = await account(SEEDED_ACTIVE_ACCOUNT_ID);
    assert.equal(updated.linkedTicketCount, 0);
    assert.equal(updated.updatedAt, '2026-06-10T12:10:00Z');

    const again = await sendTo(link.links.unlink?.href ?? '', 'DELETE');
    assertError(again, 404, 100404, sandbox.origin);
  });

  it('answers 100404 when unlinking another account’s ticket, and leaves it linked there', async () => {
    const reply = await send(
      sandbox,
      'DELETE',
      `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets/${SEEDED_TICKET_REFERENCE}`,
    );
    assertError(reply, 404, 100404, sandbox.origin);
    assert.equal((await account(SEEDED_ACCOUNT_ID)).linkedTicketCount, 1);
  });

  it('unlinks from a suspended account, after which the ticket can be linked elsewhere', async () => {
    const reference = 'ATF-BIL010433L-2';
    const unlink = await send(
      sandbox,
      'DELETE',
      `/accounts/${SEEDED_SUSPENDED_ACCOUNT_ID}/tickets/${reference}`,
    );
    assertEnvelope(unlink, 200, 100000, sandbox.origin);
    const link = await send(sandbox, 'POST', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`, {
      body: { ticketReference: reference },
    });
    assertEnvelope(link, 201, 100000, sandbox.origin);
    const lookup = asList<NeAccount>(await send(sandbox, 'GET', `/accounts?ticketReferences=${reference}`));
    assert.deepEqual(ids(lookup), [SEEDED_ACTIVE_ACCOUNT_ID]);
  });
});

describe('National Express sandbox: rate limit, maintenance and failures', () => {
  it('allows the configured requests per token per minute, then 429 / 100429 with Retry-After until the window turns', async () => {
    let clock = new Date('2026-06-10T12:00:45Z');
    const sandbox = await start({ requestsPerMinute: 3, now: () => clock });
    try {
      for (let i = 0; i < 3; i += 1) {
        const reply = await send(sandbox, 'GET', '/accounts');
        assert.equal(reply.status, 200);
        assert.equal(reply.headers.get('x-ratelimit-remaining'), String(2 - i));
      }
      const limited = await send(sandbox, 'GET', `/accounts/${SEEDED_ACCOUNT_ID}`, {
        headers: { 'x-tracing-id': 't-429' },
      });
      const error = assertError(limited, 429, 100429, sandbox.origin);
      assert.equal(limited.headers.get('retry-after'), '15');
      assert.equal(error.meta.tracing, 't-429');
      assert.match(error.message, /^Rate Limit Error: /);

      // Another token has its own window (and is then refused for being wrong, not for being limited).
      assertError(await send(sandbox, 'GET', '/accounts', { token: 'other' }), 401, 100401, sandbox.origin);

      clock = new Date('2026-06-10T12:01:00Z');
      assert.equal((await send(sandbox, 'GET', '/accounts')).status, 200);
    } finally {
      await sandbox.close();
    }
  });

  it('defaults to 300 requests per minute', async () => {
    const sandbox = await start();
    try {
      const reply = await send(sandbox, 'GET', '/accounts');
      assert.equal(reply.headers.get('x-ratelimit-limit'), '300');
    } finally {
      await sandbox.close();
    }
  });

  it('answers every call with 503 / 100503 and Retry-After while in maintenance, token or not', async () => {
    const sandbox = await start();
    try {
      sandbox.setMaintenance(true);
      for (const options of [{}, { token: null }] as SendOptions[]) {
        const reply = await send(sandbox, 'GET', `/accounts/${SEEDED_ACCOUNT_ID}`, {
          ...options,
          headers: { 'x-tracing-id': 't-503' },
        });
        const error = assertError(reply, 503, 100503, sandbox.origin);
        assert.equal(reply.headers.get('retry-after'), '30');
        assert.equal(error.meta.tracing, 't-503');
      }
      const link = await send(sandbox, 'POST', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`, {
        body: { ticketReference: SEEDED_UNLINKED_TICKET_REFERENCE },
      });
      assertError(link, 503, 100503, sandbox.origin);
      sandbox.setMaintenance(false);
      const tickets = asList<NeTicketLink>(
        await send(sandbox, 'GET', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`),
      );
      assert.deepEqual(tickets.data, [], 'nothing was linked during maintenance');
    } finally {
      await sandbox.close();
    }
  });

  it('answers injected failures with 500 / 100500, then recovers; unauthenticated calls do not use them up', async () => {
    const sandbox = await start();
    try {
      sandbox.failNext(2);
      assertError(await send(sandbox, 'GET', '/accounts', { token: null }), 401, 100401, sandbox.origin);
      const first = await send(sandbox, 'GET', '/accounts');
      assert.match(assertError(first, 500, 100500, sandbox.origin).message, /^Server Error: /);
      assertError(await send(sandbox, 'GET', `/accounts/${SEEDED_ACCOUNT_ID}`), 500, 100500, sandbox.origin);
      assertEnvelope(await send(sandbox, 'GET', '/accounts'), 200, 100000, sandbox.origin);
    } finally {
      await sandbox.close();
    }
  });
});

describe('National Express sandbox: persistence and request counts', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ne-sandbox-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps links and unlinks across a restart on the same file, without seeding again', async () => {
    const dataFile = join(dir, 'state.json');
    const first = await start({ dataFile });
    try {
      const link = await send(first, 'POST', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}/tickets`, {
        body: { ticketReference: SEEDED_UNLINKED_TICKET_REFERENCE },
      });
      assert.equal(link.status, 201, link.text);
      const unlink = await send(
        first,
        'DELETE',
        `/accounts/${SEEDED_ACCOUNT_ID}/tickets/${SEEDED_TICKET_REFERENCE}`,
      );
      assert.equal(unlink.status, 200, unlink.text);
    } finally {
      await first.close();
    }

    const second = await start({ dataFile, seed: true });
    try {
      const lookup = asList<NeAccount>(
        await send(
          second,
          'GET',
          `/accounts?ticketReferences=${SEEDED_UNLINKED_TICKET_REFERENCE},${SEEDED_TICKET_REFERENCE}`,
        ),
      );
      assert.deepEqual(
        lookup.data.map((account) => [account.accountId, account.matchedTicketReferences]),
        [[SEEDED_ACTIVE_ACCOUNT_ID, [SEEDED_UNLINKED_TICKET_REFERENCE]]],
      );
      const jane = (await send(second, 'GET', `/accounts/${SEEDED_ACCOUNT_ID}`)).body.data as NeAccount;
      assert.equal(jane.linkedTicketCount, 0, 'the seeded link stays unlinked: no second seeding');
      assert.equal(
        jane.links.self?.href,
        `${second.origin}/accounts/${SEEDED_ACCOUNT_ID}`,
        'hrefs follow the new port',
      );
      assert.equal(
        asList<NeAccount>(await send(second, 'GET', '/accounts')).pagination.totalItems,
        SEEDED_ACCOUNT_COUNT,
      );
    } finally {
      await second.close();
    }
  });

  it('does not seed a file that was started empty', async () => {
    const dataFile = join(dir, 'empty.json');
    await (await start({ dataFile, seed: false })).close();
    const again = await start({ dataFile });
    try {
      const list = asList<NeAccount>(await send(again, 'GET', '/accounts'));
      assert.deepEqual(list.data, []);
      assert.deepEqual(list.pagination, { page: 1, pageSize: 20, totalItems: 0, totalPages: 0 });
    } finally {
      await again.close();
    }
  });

  it('refuses to start on a file that is not its state', async () => {
    const dataFile = join(dir, 'foreign.json');
    writeFileSync(dataFile, JSON.stringify({ orders: [] }));
    await assert.rejects(start({ dataFile }), /cannot be read/);
  });

  it('counts requests by route pattern', async () => {
    const sandbox = await start();
    try {
      await send(sandbox, 'GET', '/accounts');
      await send(sandbox, 'GET', `/accounts/${SEEDED_ACCOUNT_ID}`);
      await send(sandbox, 'GET', `/accounts/${SEEDED_ACTIVE_ACCOUNT_ID}`);
      await send(sandbox, 'GET', `/accounts/${SEEDED_ACCOUNT_ID}/tickets`);
      assert.deepEqual(sandbox.requestCounts(), {
        'GET /accounts': 1,
        'GET /accounts/:accountId': 2,
        'GET /accounts/:accountId/tickets': 1,
      });
      assert.equal(sandbox.totalRequests(), 4);
    } finally {
      await sandbox.close();
    }
  });
});
