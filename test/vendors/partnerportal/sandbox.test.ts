import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SEEDED_ORDERS,
  SEEDED_PARTNER_COUNT,
  SEEDED_PARTNER_EXTERNAL_ID,
  SEEDED_PARTNER_ID,
  SEEDED_PRODUCT_IDS,
  startPartnerPortalSandbox,
} from '../../../src/vendors/partnerportal/sandbox.js';
import type {
  PartnerPortalSandbox,
  PartnerPortalSandboxOptions,
} from '../../../src/vendors/partnerportal/sandbox.js';
import type {
  PpErrorBody,
  PpList,
  PpOrder,
  PpPartner,
  PpPing,
  PpPricing,
  PpProduct,
  PpWebhookEvent,
} from '../../../src/vendors/partnerportal/contract.js';
import { CHANNEL_MANAGER_CATALOGUE } from '../../../src/vendors/navipartner/sandbox-catalogue.js';

const API_KEY = `pp-test-key-${randomUUID()}`;
const PARTNER_ID = /^ptn_[0-9A-HJKMNP-TV-Z]{26}$/;
const ORDER_ID = /^ord_[0-9A-HJKMNP-TV-Z]{26}$/;
const REQUEST_ID = /^req_[0-9A-HJKMNP-TV-Z]{26}$/;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const PARTNER_KEYS = ['id', 'external_id', 'name', 'email', 'phone', 'created_at', 'updated_at'];
const ORDER_KEYS = [
  'id',
  'partner_id',
  'external_reference',
  'status',
  'lines',
  'total',
  'created_at',
  'updated_at',
];

/** The document's create-partner curl body, verbatim. */
function docPartnerBody(): Record<string, string> {
  return {
    external_id: 'ACME-001',
    name: 'ACME Supplies',
    email: 'ops@acme.example',
    phone: '+91 98765 43210',
  };
}

function productId(sku: string): string {
  const id = SEEDED_PRODUCT_IDS[sku];
  assert.ok(id, `seeded product ${sku}`);
  return id;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

interface SendOptions {
  body?: unknown;
  /** Sent as is, for malformed bodies. */
  raw?: string;
  /** null sends no Authorization header. */
  key?: string | null;
  /** Replaces the default content type (application/json whenever there is a body). */
  contentType?: string;
  headers?: Record<string, string>;
}

/** Calls `<baseUrl><path>`, i.e. below `/v1`. */
async function send(
  sandbox: PartnerPortalSandbox,
  method: string,
  path: string,
  options: SendOptions = {},
): Promise<Reply> {
  return sendTo(`${sandbox.baseUrl}${path}`, method, options);
}

async function sendTo(url: string, method: string, options: SendOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? API_KEY : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(url, { method, headers, body: payload });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
  const body: unknown = isJson && text !== '' ? JSON.parse(text) : undefined;
  return { status: response.status, headers: response.headers, text, body };
}

function asError(reply: Reply): PpErrorBody['error'] {
  return (reply.body as PpErrorBody).error;
}

function fields(reply: Reply): string[] {
  return (asError(reply).details ?? []).map((detail) => detail.field);
}

function asList<T>(reply: Reply): PpList<T> {
  return reply.body as PpList<T>;
}

/** Asserts the document's error body and the request-id header that matches it. */
function assertError(reply: Reply, status: number, code: PpErrorBody['error']['code']): PpErrorBody['error'] {
  assert.equal(reply.status, status, reply.text);
  assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
  const error = asError(reply);
  assert.equal(error.code, code);
  assert.equal(typeof error.message, 'string');
  assert.match(error.request_id, REQUEST_ID);
  assert.equal(reply.headers.get('request-id'), error.request_id);
  return error;
}

async function start(options: Partial<PartnerPortalSandboxOptions> = {}): Promise<PartnerPortalSandbox> {
  return startPartnerPortalSandbox({ apiKey: API_KEY, ...options });
}

async function createPartner(sandbox: PartnerPortalSandbox, externalId: string): Promise<PpPartner> {
  const reply = await send(sandbox, 'POST', '/partners', {
    body: { external_id: externalId, name: externalId },
  });
  assert.equal(reply.status, 201, reply.text);
  return reply.body as PpPartner;
}

/** Every page of a list, following next_cursor. */
async function allPages<T>(sandbox: PartnerPortalSandbox, path: string, limit: number): Promise<PpList<T>[]> {
  const pages: PpList<T>[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) query.set('cursor', cursor);
    const reply = await send(sandbox, 'GET', `${path}${path.includes('?') ? '&' : '?'}${query.toString()}`);
    assert.equal(reply.status, 200, reply.text);
    const page = asList<T>(reply);
    pages.push(page);
    cursor = page.next_cursor;
    assert.equal(page.has_more, cursor !== null);
  } while (cursor !== null && pages.length < 50);
  return pages;
}

describe('PartnerPortal sandbox: the document examples', () => {
  let sandbox: PartnerPortalSandbox;
  let unseeded: PartnerPortalSandbox;
  before(async () => {
    sandbox = await start({ now: () => new Date('2026-05-22T05:31:00Z') });
    unseeded = await start({ seed: false, now: () => new Date('2026-05-22T05:31:00Z') });
  });
  after(async () => {
    await sandbox.close();
    await unseeded.close();
  });

  it('GET /v1/ping answers ok and the vendor clock', async () => {
    const reply = await sendTo(`${sandbox.origin}/v1/ping`, 'GET');
    assert.equal(reply.status, 200);
    const expected: PpPing = { ok: true, time: '2026-05-22T05:31:00Z' };
    assert.deepEqual(reply.body, expected);
    assert.match(reply.headers.get('request-id') ?? '', REQUEST_ID);
  });

  it('creates the curl example partner on an empty portal', async () => {
    const reply = await sendTo(`${unseeded.origin}/v1/partners`, 'POST', { body: docPartnerBody() });
    assert.equal(reply.status, 201, reply.text);
    const partner = reply.body as PpPartner;
    assert.deepEqual(Object.keys(partner), PARTNER_KEYS);
    assert.match(partner.id, PARTNER_ID);
    assert.deepEqual(
      { ...partner, id: '' },
      {
        id: '',
        ...docPartnerBody(),
        created_at: '2026-05-22T05:31:00Z',
        updated_at: '2026-05-22T05:31:00Z',
      },
    );
    const fetched = await send(unseeded, 'GET', `/partners/${partner.id}`);
    assert.deepEqual(fetched.body, partner);
  });

  it('seeds the example partner exactly, so replaying the example is a conflict naming external_id', async () => {
    const seeded = await send(sandbox, 'GET', `/partners/${SEEDED_PARTNER_ID}`);
    assert.equal(seeded.status, 200);
    assert.deepEqual(seeded.body, {
      id: SEEDED_PARTNER_ID,
      ...docPartnerBody(),
      created_at: '2026-05-22T05:30:00Z',
      updated_at: '2026-05-22T05:30:00Z',
    });
    assert.equal(SEEDED_PARTNER_EXTERNAL_ID, 'ACME-001');

    const replay = await send(sandbox, 'POST', '/partners', { body: docPartnerBody() });
    const error = assertError(replay, 409, 'conflict');
    assert.match(error.message, /external_id/);
    assert.match(error.message, /ACME-001/);
    assert.equal(error.field, 'external_id');
    assert.equal(error.existing_id, SEEDED_PARTNER_ID);
  });

  it("answers the document's error body for an invalid email: message 'email is not valid'", async () => {
    const reply = await send(sandbox, 'POST', '/partners', {
      body: { ...docPartnerBody(), external_id: 'ACME-002', email: 'not-an-email' },
    });
    const error = assertError(reply, 400, 'validation_error');
    assert.equal(error.message, 'email is not valid');
    assert.equal(error.field, 'email');
    assert.deepEqual(error.details, [{ field: 'email', message: 'is not valid' }]);
    assert.deepEqual(Object.keys(reply.body as object), ['error']);
    assert.deepEqual(Object.keys(error), ['code', 'message', 'request_id', 'field', 'details']);
  });
});

describe('PartnerPortal sandbox: authentication, ids and routing', () => {
  let sandbox: PartnerPortalSandbox;
  before(async () => {
    sandbox = await start();
  });
  after(() => sandbox.close());

  for (const [label, options] of [
    ['no Authorization header', { key: null }],
    ['a wrong key', { key: 'wrong-key' }],
    ['the right key in another scheme', { key: null, headers: { authorization: `Basic ${API_KEY}` } }],
    ['an empty Bearer', { key: null, headers: { authorization: 'Bearer ' } }],
  ] as const) {
    it(`answers 401 unauthorized for ${label}, never echoing the key`, async () => {
      const reply = await send(sandbox, 'GET', '/ping', options);
      const error = assertError(reply, 401, 'unauthorized');
      assert.ok(!reply.text.includes('wrong-key'));
      assert.ok(!reply.text.includes(API_KEY));
      assert.ok(
        ![...reply.headers.values()].some((value) => value.includes('wrong-key') || value.includes(API_KEY)),
      );
      assert.equal(error.details, undefined);
    });
  }

  it('accepts the scheme in any case', async () => {
    const reply = await send(sandbox, 'GET', '/ping', {
      key: null,
      headers: { authorization: `bearer ${API_KEY}` },
    });
    assert.equal(reply.status, 200);
  });

  it('checks the key before anything else: an unknown route or a malformed body without a key is 401', async () => {
    assertError(await send(sandbox, 'GET', '/nowhere', { key: null }), 401, 'unauthorized');
    assertError(await send(sandbox, 'POST', '/partners', { key: null, raw: '{oops' }), 401, 'unauthorized');
  });

  it('answers unknown routes and methods with a JSON 404, never HTML', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['DELETE', `/partners/${SEEDED_PARTNER_ID}`],
      ['PUT', `/orders/${SEEDED_ORDERS[0]?.id ?? ''}`],
    ] as const) {
      const reply = await send(sandbox, method, path);
      assertError(reply, 404, 'not_found');
      assert.ok(!reply.text.includes('<'), reply.text);
    }
    assertError(await sendTo(`${sandbox.origin}/`, 'GET'), 404, 'not_found');
  });

  it('gives every response a fresh request-id and echoes x-request-id', async () => {
    const first = await send(sandbox, 'GET', '/ping', { headers: { 'x-request-id': 'trace-abc-123' } });
    const second = await send(sandbox, 'GET', '/ping');
    assert.match(first.headers.get('request-id') ?? '', REQUEST_ID);
    assert.notEqual(first.headers.get('request-id'), second.headers.get('request-id'));
    assert.equal(first.headers.get('x-request-id'), 'trace-abc-123');
    assert.equal(second.headers.get('x-request-id'), null);
  });

  it('answers 404 for unknown ids of every resource', async () => {
    for (const path of ['/partners/ptn_nope', '/orders/ord_nope', '/products/prd_nope']) {
      const error = assertError(await send(sandbox, 'GET', path), 404, 'not_found');
      assert.match(error.message, /nope/);
    }
    assertError(
      await send(sandbox, 'PATCH', '/partners/ptn_nope', { body: { name: 'x' } }),
      404,
      'not_found',
    );
    assertError(
      await send(sandbox, 'PATCH', '/orders/ord_nope', { body: { status: 'shipped' } }),
      404,
      'not_found',
    );
  });
});

describe('PartnerPortal sandbox: request bodies', () => {
  let sandbox: PartnerPortalSandbox;
  before(async () => {
    sandbox = await start();
  });
  after(() => sandbox.close());

  it('answers malformed JSON with 400 naming body', async () => {
    const reply = await send(sandbox, 'POST', '/partners', { raw: '{"external_id": "X",' });
    const error = assertError(reply, 400, 'validation_error');
    assert.equal(error.field, 'body');
    assert.ok(!reply.text.includes('SyntaxError'));
    assert.ok(!reply.text.includes('    at '));
  });

  it('answers a body that is not a JSON object, or no body at all, with 400 naming body', async () => {
    for (const options of [{ body: [docPartnerBody()] }, { raw: '"text"' }, {}] as SendOptions[]) {
      const error = assertError(await send(sandbox, 'POST', '/partners', options), 400, 'validation_error');
      assert.equal(error.field, 'body');
    }
    const patch = await send(sandbox, 'PATCH', `/partners/${SEEDED_PARTNER_ID}`);
    assert.equal(assertError(patch, 400, 'validation_error').field, 'body');
  });

  it('requires Content-Type: application/json on a body: 400 naming content-type', async () => {
    const body = JSON.stringify({ external_id: 'CT-1', name: 'Content type' });
    const plain = await send(sandbox, 'POST', '/partners', { raw: body, contentType: 'text/plain' });
    assert.equal(assertError(plain, 400, 'validation_error').field, 'content-type');
    const charset = await send(sandbox, 'POST', '/partners', {
      raw: body,
      contentType: 'application/json; charset=utf-8',
    });
    assert.equal(charset.status, 201, charset.text);
  });
});

describe('PartnerPortal sandbox: partners', () => {
  let sandbox: PartnerPortalSandbox;
  const events: PpWebhookEvent[] = [];
  let clock = new Date('2026-06-01T10:00:00Z');
  before(async () => {
    sandbox = await start({ now: () => clock, onEvent: (event) => events.push(event) });
  });
  after(() => sandbox.close());

  it('validates every field at once and names each one', async () => {
    const reply = await send(sandbox, 'POST', '/partners', {
      body: { external_id: 'has space', name: '   ', email: 'a@b', phone: 'call me' },
    });
    const error = assertError(reply, 400, 'validation_error');
    assert.deepEqual(fields(reply), ['external_id', 'name', 'email', 'phone']);
    assert.equal(error.field, 'external_id');
    assert.match(error.message, /^external_id .*\(and 3 more problems\)$/);

    const missing = await send(sandbox, 'POST', '/partners', { body: {} });
    assert.deepEqual(fields(missing), ['external_id', 'name']);
  });

  it('enforces the external_id and name lengths', async () => {
    const longId = await send(sandbox, 'POST', '/partners', {
      body: { external_id: 'A'.repeat(65), name: 'n' },
    });
    assert.deepEqual(fields(longId), ['external_id']);
    const longName = await send(sandbox, 'POST', '/partners', {
      body: { external_id: 'LEN-1', name: 'n'.repeat(201) },
    });
    assert.deepEqual(fields(longName), ['name']);
    const edges = await send(sandbox, 'POST', '/partners', {
      body: { external_id: `a.b_c-${'9'.repeat(58)}`, name: 'n'.repeat(200) },
    });
    assert.equal(edges.status, 201, edges.text);
    assert.equal((edges.body as PpPartner).email, null);
    assert.equal((edges.body as PpPartner).phone, null);
  });

  it('accepts phones of digits, spaces and hyphens with an optional leading +, 7 to 15 digits', async () => {
    const good = ['+91 98765 43210', '+4533123456', '033-12 34 56', '1234567', '+123456789012345'];
    for (const [index, phone] of good.entries()) {
      const reply = await send(sandbox, 'POST', '/partners', {
        body: { external_id: `PHONE-OK-${index}`, name: 'Phone', phone },
      });
      assert.equal(reply.status, 201, `${phone}: ${reply.text}`);
      assert.equal((reply.body as PpPartner).phone, phone);
    }
    const bad = ['123456', '+1234567890123456', '98765+43210', '(020) 1234 5678', '+', '12 34 56 7x'];
    for (const [index, phone] of bad.entries()) {
      const reply = await send(sandbox, 'POST', '/partners', {
        body: { external_id: `PHONE-BAD-${index}`, name: 'Phone', phone },
      });
      assert.deepEqual(fields(reply), ['phone'], phone);
    }
  });

  it('treats a null email or phone on create as none', async () => {
    const reply = await send(sandbox, 'POST', '/partners', {
      body: { external_id: 'NULLS-1', name: 'Nulls', email: null, phone: null },
    });
    assert.equal(reply.status, 201);
    assert.equal((reply.body as PpPartner).email, null);
  });

  it('patches name, email and phone, clears with null, and records partner.updated', async () => {
    const partner = await createPartner(sandbox, 'PATCH-1');
    events.length = 0;
    clock = new Date('2026-06-01T11:00:00Z');
    const reply = await send(sandbox, 'PATCH', `/partners/${partner.id}`, {
      body: { name: 'Patched Ltd', email: 'hello@patched.example', phone: '+45 70 12 34 56' },
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.body, {
      ...partner,
      name: 'Patched Ltd',
      email: 'hello@patched.example',
      phone: '+45 70 12 34 56',
      updated_at: '2026-06-01T11:00:00Z',
    });
    assert.equal(events.length, 1);
    const [event] = events;
    assert.ok(event);
    assert.match(event.id, /^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.deepEqual(
      { ...event, id: '' },
      {
        id: '',
        type: 'partner.updated',
        created_at: '2026-06-01T11:00:00Z',
        data: { partner_id: partner.id, external_id: 'PATCH-1', changed: ['name', 'email', 'phone'] },
      },
    );

    const cleared = await send(sandbox, 'PATCH', `/partners/${partner.id}`, { body: { email: null } });
    assert.equal(cleared.status, 200);
    assert.equal((cleared.body as PpPartner).email, null);
    assert.equal((cleared.body as PpPartner).phone, '+45 70 12 34 56');
    assert.equal((cleared.body as PpPartner).name, 'Patched Ltd');
    assert.deepEqual(events.at(-1)?.data, {
      partner_id: partner.id,
      external_id: 'PATCH-1',
      changed: ['email'],
    });

    const fetched = await send(sandbox, 'GET', `/partners/${partner.id}`);
    assert.deepEqual(fetched.body, cleared.body);
    clock = new Date('2026-06-01T10:00:00Z');
  });

  it('announces a new partner as partner.updated (there is no partner.created), naming the fields set', async () => {
    events.length = 0;
    const full = await send(sandbox, 'POST', '/partners', {
      body: { external_id: 'EVENT-NEW-1', name: 'New', email: 'new@example.com', phone: '+45 70 12 34 56' },
    });
    const bare = await send(sandbox, 'POST', '/partners', {
      body: { external_id: 'EVENT-NEW-2', name: 'Bare' },
    });
    assert.deepEqual(
      events.map((event) => ({ ...event, id: '' })),
      [
        {
          id: '',
          type: 'partner.updated',
          created_at: '2026-06-01T10:00:00Z',
          data: {
            partner_id: (full.body as PpPartner).id,
            external_id: 'EVENT-NEW-1',
            changed: ['name', 'email', 'phone'],
          },
        },
        {
          id: '',
          type: 'partner.updated',
          created_at: '2026-06-01T10:00:00Z',
          data: { partner_id: (bare.body as PpPartner).id, external_id: 'EVENT-NEW-2', changed: ['name'] },
        },
      ],
    );
    // A refused create announces nothing.
    events.length = 0;
    await send(sandbox, 'POST', '/partners', { body: { external_id: 'EVENT-NEW-1', name: 'Again' } });
    assert.deepEqual(events, []);
  });

  it('answers an empty or unchanged PATCH with the partner, without an event', async () => {
    const partner = await createPartner(sandbox, 'PATCH-2');
    events.length = 0;
    const empty = await send(sandbox, 'PATCH', `/partners/${partner.id}`, { body: {} });
    assert.deepEqual(empty.body, partner);
    const same = await send(sandbox, 'PATCH', `/partners/${partner.id}`, {
      body: { name: 'PATCH-2', external_id: 'PATCH-2' },
    });
    assert.deepEqual(same.body, partner);
    assert.deepEqual(events, []);
  });

  it('refuses to change external_id (400 naming it) and validates patched fields', async () => {
    const partner = await createPartner(sandbox, 'PATCH-3');
    const reply = await send(sandbox, 'PATCH', `/partners/${partner.id}`, {
      body: { external_id: 'PATCH-3-NEW', name: 'Still valid' },
    });
    const error = assertError(reply, 400, 'validation_error');
    assert.equal(error.field, 'external_id');
    assert.deepEqual(fields(reply), ['external_id']);
    assert.match(error.message, /^external_id is immutable/);

    const invalid = await send(sandbox, 'PATCH', `/partners/${partner.id}`, {
      body: { name: null, email: 'bad', phone: 12345678 },
    });
    assert.deepEqual(fields(invalid), ['name', 'email', 'phone']);
    const unchanged = await send(sandbox, 'GET', `/partners/${partner.id}`);
    assert.deepEqual(unchanged.body, partner);
  });

  it('keeps external_id unique: 409 with the existing id, also after a PATCH', async () => {
    const partner = await createPartner(sandbox, 'UNIQUE-1');
    const again = await send(sandbox, 'POST', '/partners', {
      body: { external_id: 'UNIQUE-1', name: 'Other' },
    });
    const error = assertError(again, 409, 'conflict');
    assert.equal(error.existing_id, partner.id);
    assert.equal(error.field, 'external_id');
    // Case matters: external ids are compared exactly.
    const otherCase = await send(sandbox, 'POST', '/partners', {
      body: { external_id: 'unique-1', name: 'Other' },
    });
    assert.equal(otherCase.status, 201);
  });
});

describe('PartnerPortal sandbox: lists, cursors and batch filters', () => {
  let sandbox: PartnerPortalSandbox;
  before(async () => {
    sandbox = await start();
  });
  after(() => sandbox.close());

  it('pages the seeded partners 10 at a time: has_more, next_cursor, total_count, stable order', async () => {
    const pages = await allPages<PpPartner>(sandbox, '/partners', 10);
    assert.deepEqual(
      pages.map((page) => [page.data.length, page.has_more, page.total_count]),
      [
        [10, true, SEEDED_PARTNER_COUNT],
        [10, true, SEEDED_PARTNER_COUNT],
        [5, false, SEEDED_PARTNER_COUNT],
      ],
    );
    assert.equal(pages.at(-1)?.next_cursor, null);
    const partners = pages.flatMap((page) => page.data);
    assert.equal(new Set(partners.map((p) => p.id)).size, SEEDED_PARTNER_COUNT);
    assert.equal(partners[0]?.external_id, 'ACME-001');
    assert.deepEqual(
      partners.slice(1).map((p) => p.external_id),
      Array.from({ length: 24 }, (_, i) => `PARTNER-${String(i + 2).padStart(3, '0')}`),
    );
    const keys = partners.map((p) => `${p.created_at} ${p.id}`);
    assert.deepEqual(keys, [...keys].sort());
    for (const partner of partners) assert.deepEqual(Object.keys(partner), PARTNER_KEYS);
  });

  it('defaults to 20 per page, and the envelope has exactly four keys', async () => {
    const reply = await send(sandbox, 'GET', '/partners');
    const page = asList<PpPartner>(reply);
    assert.deepEqual(Object.keys(page), ['data', 'has_more', 'next_cursor', 'total_count']);
    assert.equal(page.data.length, 20);
    assert.equal(page.has_more, true);
    assert.equal(typeof page.next_cursor, 'string');
  });

  it('neither skips nor repeats when partners are created between pages', async () => {
    const first = asList<PpPartner>(await send(sandbox, 'GET', '/partners?limit=20'));
    const created = await createPartner(sandbox, `LATE-${randomUUID().slice(0, 8)}`);
    const second = asList<PpPartner>(
      await send(sandbox, 'GET', `/partners?limit=20&cursor=${first.next_cursor ?? ''}`),
    );
    assert.equal(second.total_count, SEEDED_PARTNER_COUNT + 1);
    assert.equal(second.data.length, 6);
    assert.equal(second.data.at(-1)?.id, created.id);
    assert.equal(second.has_more, false);
    assert.equal(new Set([...first.data, ...second.data].map((p) => p.id)).size, 26);
  });

  it('rejects a bad limit or cursor with 400 naming the parameter', async () => {
    for (const limit of ['0', '101', 'ten', '-1', '2.5']) {
      const reply = await send(sandbox, 'GET', `/partners?limit=${limit}`);
      assert.equal(assertError(reply, 400, 'validation_error').field, 'limit', limit);
    }
    assert.equal(asList(await send(sandbox, 'GET', '/partners?limit=100')).data.length, 26);
    for (const cursor of ['garbage!', 'eyJ4IjoxfQ', Buffer.from('not json').toString('base64url')]) {
      const reply = await send(sandbox, 'GET', `/partners?cursor=${cursor}`);
      assert.equal(assertError(reply, 400, 'validation_error').field, 'cursor', cursor);
    }
    const productCursor = asList<PpProduct>(await send(sandbox, 'GET', '/products?limit=1')).next_cursor;
    const crossed = await send(sandbox, 'GET', `/partners?cursor=${productCursor ?? ''}`);
    assert.equal(assertError(crossed, 400, 'validation_error').field, 'cursor');
    const twice = await send(sandbox, 'GET', '/partners?limit=1&limit=2');
    assert.equal(assertError(twice, 400, 'validation_error').field, 'limit');
  });

  it('filters by external_id exactly: the way back to a partner whose create answer was lost', async () => {
    const found = asList<PpPartner>(await send(sandbox, 'GET', '/partners?external_id=ACME-001'));
    assert.deepEqual(
      found.data.map((p) => p.id),
      [SEEDED_PARTNER_ID],
    );
    assert.equal(found.total_count, 1);
    assert.equal(found.has_more, false);
    for (const miss of ['acme-001', 'ACME', 'ACME-0011']) {
      const none = asList<PpPartner>(await send(sandbox, 'GET', `/partners?external_id=${miss}`));
      assert.deepEqual([none.data, none.total_count, none.next_cursor], [[], 0, null]);
    }
  });

  it('batches lookups with ids=a,b,c: all known ids in one call, unknown ones simply absent', async () => {
    const everyone = asList<PpPartner>(await send(sandbox, 'GET', '/partners?limit=100')).data;
    const wanted = everyone.slice(0, 25).map((p) => p.id);
    const reply = await send(
      sandbox,
      'GET',
      `/partners?ids=${[...wanted, 'ptn_unknown'].reverse().join(',')}`,
    );
    const page = asList<PpPartner>(reply);
    // The default limit rises to 100 with a batch filter, so no page is left over.
    assert.deepEqual(
      page.data.map((p) => p.id),
      wanted,
    );
    assert.equal(page.has_more, false);
    assert.equal(page.total_count, 25);

    const combined = asList<PpPartner>(
      await send(sandbox, 'GET', `/partners?ids=${wanted.join(',')}&external_id=PARTNER-002`),
    );
    assert.deepEqual(
      combined.data.map((p) => p.external_id),
      ['PARTNER-002'],
    );

    const tooMany = Array.from({ length: 101 }, (_, i) => `ptn_${i}`).join(',');
    assert.equal(
      assertError(await send(sandbox, 'GET', `/partners?ids=${tooMany}`), 400, 'validation_error').field,
      'ids',
    );
    assert.equal(
      assertError(await send(sandbox, 'GET', '/partners?ids=a,,b'), 400, 'validation_error').field,
      'ids',
    );
  });
});

describe('PartnerPortal sandbox: catalogue and pricing', () => {
  let sandbox: PartnerPortalSandbox;
  before(async () => {
    sandbox = await start({ seed: false });
  });
  after(() => sandbox.close());

  it('carries the Channel Manager items as products whose sku is the item number, at the same price', async () => {
    const reply = await send(sandbox, 'GET', '/products?skus=31001,31002,31003');
    assert.equal(reply.status, 200, reply.text);
    const page = asList<PpProduct>(reply);
    assert.equal(page.total_count, 3);
    assert.deepEqual(
      page.data.map((p) => [p.sku, p.name, p.price, p.min_quantity, p.active]),
      CHANNEL_MANAGER_CATALOGUE.map((item) => [
        item.itemNumber,
        item.description,
        { amount: item.unitPriceInclVat * 100, currency: item.currencyCode },
        1,
        true,
      ]),
    );
    const [aquarium] = page.data;
    assert.deepEqual(aquarium && { ...aquarium, description: '' }, {
      id: productId('31001'),
      sku: '31001',
      name: 'Aquarium day admission',
      description: '',
      price: { amount: 10000, currency: 'DKK' },
      min_quantity: 1,
      active: true,
      created_at: '2026-05-01T00:00:00Z',
      updated_at: '2026-05-01T00:00:00Z',
    });
  });

  it('lists every product, including merchandise and the inactive one, with active filtering', async () => {
    const all = asList<PpProduct>(await send(sandbox, 'GET', '/products'));
    assert.deepEqual(
      all.data.map((p) => p.sku),
      ['31001', '31002', '31003', 'MERCH-TSHIRT', 'MERCH-GUIDEBOOK', 'MERCH-MUG'],
    );
    const inactive = asList<PpProduct>(await send(sandbox, 'GET', '/products?active=false'));
    assert.deepEqual(
      inactive.data.map((p) => p.sku),
      ['MERCH-MUG'],
    );
    assert.equal(
      assertError(await send(sandbox, 'GET', '/products?active=yes'), 400, 'validation_error').field,
      'active',
    );
    const unknownSku = asList<PpProduct>(await send(sandbox, 'GET', '/products?skus=99999'));
    assert.equal(unknownSku.total_count, 0);
  });

  it('finds products by ids and by id', async () => {
    const ids = [productId('MERCH-GUIDEBOOK'), productId('31002')];
    const page = asList<PpProduct>(await send(sandbox, 'GET', `/products?ids=${ids.join(',')}`));
    assert.deepEqual(
      page.data.map((p) => p.sku),
      ['31002', 'MERCH-GUIDEBOOK'],
    );
    const one = await send(sandbox, 'GET', `/products/${productId('MERCH-GUIDEBOOK')}`);
    assert.equal(one.status, 200);
    assert.equal((one.body as PpProduct).min_quantity, 5);
  });

  it('quotes pricing for active products, with volume tiers', async () => {
    const reply = await send(sandbox, 'GET', '/pricing');
    assert.equal(reply.status, 200, reply.text);
    const page = asList<PpPricing>(reply);
    assert.equal(page.total_count, 5);
    assert.deepEqual(page.data[0], {
      product_id: productId('31001'),
      sku: '31001',
      currency: 'DKK',
      unit_price: 10000,
      tiers: [{ min_quantity: 10, unit_price: 9000 }],
    });
    const tshirt = page.data.find((entry) => entry.sku === 'MERCH-TSHIRT');
    assert.deepEqual(tshirt, {
      product_id: productId('MERCH-TSHIRT'),
      sku: 'MERCH-TSHIRT',
      currency: 'DKK',
      unit_price: 19900,
    });
    assert.ok(!page.data.some((entry) => entry.sku === 'MERCH-MUG'));

    const bySku = asList<PpPricing>(await send(sandbox, 'GET', '/pricing?skus=31003,MERCH-GUIDEBOOK'));
    assert.deepEqual(
      bySku.data.map((entry) => [entry.sku, entry.unit_price, entry.tiers]),
      [
        ['31003', 25000, [{ min_quantity: 10, unit_price: 22500 }]],
        ['MERCH-GUIDEBOOK', 7900, [{ min_quantity: 20, unit_price: 6900 }]],
      ],
    );
    const byId = asList<PpPricing>(
      await send(sandbox, 'GET', `/pricing?product_ids=${productId('31002')}&limit=1`),
    );
    assert.deepEqual(
      byId.data.map((entry) => entry.sku),
      ['31002'],
    );
    const paged = asList<PpPricing>(await send(sandbox, 'GET', '/pricing?limit=2'));
    assert.deepEqual([paged.data.length, paged.has_more, paged.total_count], [2, true, 5]);
  });
});

describe('PartnerPortal sandbox: orders', () => {
  let sandbox: PartnerPortalSandbox;
  const events: PpWebhookEvent[] = [];
  before(async () => {
    sandbox = await start({
      now: () => new Date('2026-06-01T10:00:00Z'),
      onEvent: (event) => events.push(event),
    });
  });
  after(() => sandbox.close());

  async function createOrder(
    reference: string,
    lines: { sku: string; quantity: number }[],
  ): Promise<PpOrder> {
    const reply = await send(sandbox, 'POST', '/orders', {
      body: {
        partner_id: SEEDED_PARTNER_ID,
        external_reference: reference,
        lines: lines.map((line) => ({ product_id: productId(line.sku), quantity: line.quantity })),
      },
    });
    assert.equal(reply.status, 201, reply.text);
    return reply.body as PpOrder;
  }

  it('seeds ACME-001 with one order per status', async () => {
    const reply = await send(sandbox, 'GET', `/orders?partner_id=${SEEDED_PARTNER_ID}`);
    const page = asList<PpOrder>(reply);
    assert.deepEqual(
      page.data.map((order) => [order.id, order.external_reference, order.status]),
      SEEDED_ORDERS.map((order) => [order.id, order.external_reference, order.status]),
    );
    const shipped = page.data.find((order) => order.status === 'shipped');
    assert.deepEqual(shipped?.lines, [
      {
        product_id: productId('31002'),
        sku: '31002',
        name: 'Aquarium evening admission',
        quantity: 2,
        unit_price: { amount: 15000, currency: 'DKK' },
        line_total: { amount: 30000, currency: 'DKK' },
      },
      {
        product_id: productId('MERCH-TSHIRT'),
        sku: 'MERCH-TSHIRT',
        name: 'Aquarium T-shirt',
        quantity: 3,
        unit_price: { amount: 19900, currency: 'DKK' },
        line_total: { amount: 59700, currency: 'DKK' },
      },
    ]);
    assert.deepEqual(shipped?.total, { amount: 89700, currency: 'DKK' });
  });

  it('creates a pending order priced from the catalogue, tiers applied, and records order.created', async () => {
    events.length = 0;
    const order = await createOrder('PO-CREATE-1', [
      { sku: '31001', quantity: 10 },
      { sku: 'MERCH-GUIDEBOOK', quantity: 5 },
    ]);
    assert.deepEqual(Object.keys(order), ORDER_KEYS);
    assert.match(order.id, ORDER_ID);
    assert.deepEqual(
      { ...order, id: '' },
      {
        id: '',
        partner_id: SEEDED_PARTNER_ID,
        external_reference: 'PO-CREATE-1',
        status: 'pending',
        lines: [
          {
            product_id: productId('31001'),
            sku: '31001',
            name: 'Aquarium day admission',
            quantity: 10,
            unit_price: { amount: 9000, currency: 'DKK' },
            line_total: { amount: 90000, currency: 'DKK' },
          },
          {
            product_id: productId('MERCH-GUIDEBOOK'),
            sku: 'MERCH-GUIDEBOOK',
            name: 'Aquarium guidebook',
            quantity: 5,
            unit_price: { amount: 7900, currency: 'DKK' },
            line_total: { amount: 39500, currency: 'DKK' },
          },
        ],
        total: { amount: 129500, currency: 'DKK' },
        created_at: '2026-06-01T10:00:00Z',
        updated_at: '2026-06-01T10:00:00Z',
      },
    );
    assert.deepEqual(
      events.map((event) => [event.type, event.data]),
      [
        [
          'order.created',
          {
            order_id: order.id,
            partner_id: SEEDED_PARTNER_ID,
            external_reference: 'PO-CREATE-1',
            status: 'pending',
          },
        ],
      ],
    );
    assert.deepEqual((await send(sandbox, 'GET', `/orders/${order.id}`)).body, order);
  });

  it('names every invalid field of an order at once', async () => {
    const reply = await send(sandbox, 'POST', '/orders', {
      body: {
        partner_id: 'ptn_nobody',
        external_reference: '  ',
        lines: [
          { product_id: 'prd_nothing', quantity: 1 },
          { product_id: productId('MERCH-MUG'), quantity: 1 },
          { product_id: productId('MERCH-GUIDEBOOK'), quantity: 4 },
          { product_id: productId('31001'), quantity: 1.5 },
          { product_id: productId('31001'), quantity: 0 },
          'not a line',
        ],
      },
    });
    const error = assertError(reply, 400, 'validation_error');
    assert.deepEqual(fields(reply), [
      'partner_id',
      'external_reference',
      'lines[0].product_id',
      'lines[1].product_id',
      'lines[2].quantity',
      'lines[3].quantity',
      'lines[4].quantity',
      'lines[5]',
    ]);
    assert.equal(error.field, 'partner_id');
    const detail = (field: string): string => error.details?.find((d) => d.field === field)?.message ?? '';
    assert.match(detail('lines[1].product_id'), /not active/);
    assert.match(detail('lines[2].quantity'), /at least 5/);
  });

  it('requires 1 to 50 lines', async () => {
    const base = { partner_id: SEEDED_PARTNER_ID, external_reference: 'PO-LINES' };
    const line = { product_id: productId('31001'), quantity: 1 };
    for (const lines of [[], undefined, Array.from({ length: 51 }, () => line)]) {
      const reply = await send(sandbox, 'POST', '/orders', { body: { ...base, lines } });
      assert.deepEqual(fields(reply), ['lines']);
    }
    const fifty = await send(sandbox, 'POST', '/orders', {
      body: { ...base, lines: Array.from({ length: 50 }, () => line) },
    });
    assert.equal(fifty.status, 201, fifty.text);
  });

  it('keeps external_reference unique per partner: 409 with the existing id; other partners may reuse it', async () => {
    const order = await createOrder('PO-UNIQUE-1', [{ sku: '31001', quantity: 1 }]);
    const again = await send(sandbox, 'POST', '/orders', {
      body: {
        partner_id: SEEDED_PARTNER_ID,
        external_reference: 'PO-UNIQUE-1',
        lines: [{ product_id: productId('31002'), quantity: 3 }],
      },
    });
    const error = assertError(again, 409, 'conflict');
    assert.equal(error.existing_id, order.id);
    assert.equal(error.field, 'external_reference');

    const other = asList<PpPartner>(await send(sandbox, 'GET', '/partners?external_id=PARTNER-002')).data[0];
    assert.ok(other);
    const elsewhere = await send(sandbox, 'POST', '/orders', {
      body: {
        partner_id: other.id,
        external_reference: 'PO-UNIQUE-1',
        lines: [{ product_id: productId('31001'), quantity: 1 }],
      },
    });
    assert.equal(elsewhere.status, 201);
  });

  it('moves forward pending → processing → shipped → delivered, recording order.updated', async () => {
    const order = await createOrder('PO-FLOW-1', [{ sku: '31003', quantity: 1 }]);
    events.length = 0;
    let previous = 'pending';
    for (const status of ['processing', 'shipped', 'delivered'] as const) {
      const reply = await send(sandbox, 'PATCH', `/orders/${order.id}`, { body: { status } });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.body, { ...order, status });
      assert.deepEqual(events.at(-1)?.data, {
        order_id: order.id,
        partner_id: SEEDED_PARTNER_ID,
        external_reference: 'PO-FLOW-1',
        status,
        previous_status: previous,
      });
      previous = status;
    }
    assert.deepEqual(
      events.map((event) => event.type),
      ['order.updated', 'order.updated', 'order.updated'],
    );
    // The document's webhook example: an order.updated whose data says shipped.
    const shippedEvent = events[1];
    assert.equal(shippedEvent?.type, 'order.updated');
    assert.deepEqual(
      shippedEvent && { order_id: shippedEvent.data.order_id, status: shippedEvent.data.status },
      {
        order_id: order.id,
        status: 'shipped',
      },
    );
  });

  it('refuses backward moves and moves out of final states: 409 naming the current status', async () => {
    const order = await createOrder('PO-FLOW-2', [{ sku: '31001', quantity: 1 }]);
    await send(sandbox, 'PATCH', `/orders/${order.id}`, { body: { status: 'shipped' } });
    for (const status of ['pending', 'processing', 'cancelled']) {
      const reply = await send(sandbox, 'PATCH', `/orders/${order.id}`, { body: { status } });
      const error = assertError(reply, 409, 'conflict');
      assert.equal(error.current_status, 'shipped');
      assert.match(error.message, /shipped/);
    }
    await send(sandbox, 'PATCH', `/orders/${order.id}`, { body: { status: 'delivered' } });
    const afterDelivery = await send(sandbox, 'PATCH', `/orders/${order.id}`, {
      body: { status: 'cancelled' },
    });
    assert.equal(assertError(afterDelivery, 409, 'conflict').current_status, 'delivered');
  });

  it('cancels from pending or processing only, and cancelled is final', async () => {
    const pending = await createOrder('PO-CANCEL-1', [{ sku: '31001', quantity: 1 }]);
    const cancelled = await send(sandbox, 'PATCH', `/orders/${pending.id}`, {
      body: { status: 'cancelled' },
    });
    assert.equal((cancelled.body as PpOrder).status, 'cancelled');
    const revive = await send(sandbox, 'PATCH', `/orders/${pending.id}`, { body: { status: 'processing' } });
    assert.equal(assertError(revive, 409, 'conflict').current_status, 'cancelled');

    const processing = SEEDED_ORDERS.find((order) => order.status === 'processing');
    assert.ok(processing);
    const fromProcessing = await send(sandbox, 'PATCH', `/orders/${processing.id}`, {
      body: { status: 'cancelled' },
    });
    assert.equal(fromProcessing.status, 200);
  });

  it('answers a PATCH to the current status with the order unchanged and no event (safe to retry)', async () => {
    const order = await createOrder('PO-SAME-1', [{ sku: '31001', quantity: 1 }]);
    events.length = 0;
    const reply = await send(sandbox, 'PATCH', `/orders/${order.id}`, { body: { status: 'pending' } });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, order);
    assert.deepEqual(events, []);
  });

  it('validates the status PATCH: a known status, and nothing else may change', async () => {
    const order = await createOrder('PO-PATCH-BAD', [{ sku: '31001', quantity: 1 }]);
    const unknown = await send(sandbox, 'PATCH', `/orders/${order.id}`, { body: { status: 'lost' } });
    assert.deepEqual(fields(unknown), ['status']);
    const missing = await send(sandbox, 'PATCH', `/orders/${order.id}`, { body: {} });
    assert.deepEqual(fields(missing), ['status']);
    const immutable = await send(sandbox, 'PATCH', `/orders/${order.id}`, {
      body: { status: 'processing', external_reference: 'OTHER', lines: [] },
    });
    assert.deepEqual(fields(immutable), ['external_reference', 'lines']);
    assert.equal((await send(sandbox, 'GET', `/orders/${order.id}`)).text, JSON.stringify(order));
  });

  it('lists orders by partner_id, status, external_reference and ids', async () => {
    const byStatus = asList<PpOrder>(await send(sandbox, 'GET', '/orders?status=delivered&limit=100'));
    assert.ok(byStatus.data.length >= 1);
    assert.ok(byStatus.data.every((order) => order.status === 'delivered'));
    assert.equal(byStatus.total_count, byStatus.data.length);

    const byReference = asList<PpOrder>(
      await send(sandbox, 'GET', `/orders?partner_id=${SEEDED_PARTNER_ID}&external_reference=ACME-PO-1002`),
    );
    assert.deepEqual(
      byReference.data.map((order) => order.id),
      [SEEDED_ORDERS[1]?.id],
    );

    const ids = [SEEDED_ORDERS[4]?.id, SEEDED_ORDERS[0]?.id, 'ord_unknown'].join(',');
    const byIds = asList<PpOrder>(await send(sandbox, 'GET', `/orders?ids=${ids}`));
    assert.deepEqual(
      byIds.data.map((order) => order.id),
      [SEEDED_ORDERS[0]?.id, SEEDED_ORDERS[4]?.id],
    );

    const nobody = asList<PpOrder>(await send(sandbox, 'GET', '/orders?partner_id=ptn_nobody'));
    assert.equal(nobody.total_count, 0);
    assert.equal(
      assertError(await send(sandbox, 'GET', '/orders?status=lost'), 400, 'validation_error').field,
      'status',
    );

    // Filters hold across pages: the pages of three, joined, are the one big page.
    const path = `/orders?partner_id=${SEEDED_PARTNER_ID}`;
    const whole = asList<PpOrder>(await send(sandbox, 'GET', `${path}&limit=100`));
    const pages = await allPages<PpOrder>(sandbox, path, 3);
    assert.equal(pages.length, Math.ceil(whole.total_count / 3));
    assert.ok(pages.every((page) => page.total_count === whole.total_count));
    assert.deepEqual(
      pages.flatMap((page) => page.data),
      whole.data,
    );
  });
});

describe('PartnerPortal sandbox: rate limit', () => {
  it('allows the configured requests per minute, then 429 with Retry-After until the window turns', async () => {
    let clock = new Date('2026-06-01T10:00:20Z');
    const sandbox = await start({ rateLimitPerMinute: 5, now: () => clock });
    try {
      for (let i = 1; i <= 5; i += 1) {
        const reply = await send(sandbox, 'GET', '/ping');
        assert.equal(reply.status, 200);
        assert.equal(reply.headers.get('x-ratelimit-limit'), '5');
        assert.equal(reply.headers.get('x-ratelimit-remaining'), String(5 - i));
        assert.equal(
          reply.headers.get('x-ratelimit-reset'),
          String(Date.parse('2026-06-01T10:01:00Z') / 1000),
        );
      }
      const limited = await send(sandbox, 'GET', `/partners/${SEEDED_PARTNER_ID}`);
      const error = assertError(limited, 429, 'rate_limited');
      assert.equal(limited.headers.get('retry-after'), '40');
      assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
      assert.match(error.message, /retry after 40 seconds/);

      clock = new Date('2026-06-01T10:00:59.500Z');
      assert.equal((await send(sandbox, 'GET', '/ping')).headers.get('retry-after'), '1');

      clock = new Date('2026-06-01T10:01:00Z');
      const fresh = await send(sandbox, 'GET', '/ping');
      assert.equal(fresh.status, 200);
      assert.equal(fresh.headers.get('x-ratelimit-remaining'), '4');
    } finally {
      await sandbox.close();
    }
  });

  it('counts each key on its own, and carries the headers on errors too', async () => {
    const sandbox = await start({ rateLimitPerMinute: 2, now: () => new Date('2026-06-01T10:00:00Z') });
    try {
      await send(sandbox, 'GET', '/ping');
      await send(sandbox, 'GET', '/ping');
      assert.equal((await send(sandbox, 'GET', '/ping')).status, 429);
      const stranger = await send(sandbox, 'GET', '/ping', { key: 'someone-else' });
      assert.equal(stranger.status, 401);
      assert.equal(stranger.headers.get('x-ratelimit-remaining'), '1');
      assertError(await send(sandbox, 'GET', '/nowhere', { key: 'someone-else' }), 401, 'unauthorized');
      assertError(await send(sandbox, 'GET', '/nowhere', { key: 'someone-else' }), 429, 'rate_limited');
    } finally {
      await sandbox.close();
    }
  });

  it('defaults to 600 per minute, on the real clock', async () => {
    const sandbox = await start();
    try {
      const reply = await send(sandbox, 'GET', '/ping');
      assert.equal(reply.headers.get('x-ratelimit-limit'), '600');
      assert.match((reply.body as PpPing).time, ISO_SECONDS);
    } finally {
      await sandbox.close();
    }
  });
});

describe('PartnerPortal sandbox: the warehouse (fulfilment over time)', () => {
  async function createOrder(sandbox: PartnerPortalSandbox, reference: string): Promise<PpOrder> {
    const reply = await send(sandbox, 'POST', '/orders', {
      body: {
        partner_id: SEEDED_PARTNER_ID,
        external_reference: reference,
        lines: [{ product_id: productId('31001'), quantity: 1 }],
      },
    });
    assert.equal(reply.status, 201, reply.text);
    return reply.body as PpOrder;
  }

  async function statusOf(sandbox: PartnerPortalSandbox, id: string): Promise<string> {
    return ((await send(sandbox, 'GET', `/orders/${id}`)).body as PpOrder).status;
  }

  it('follows fulfilmentMinutes from created_at, as a reader sees it, with or without webhooks', async () => {
    let clock = new Date('2026-06-01T10:00:00Z');
    const at = (minutes: number) => new Date(Date.parse('2026-06-01T10:00:00Z') + minutes * 60_000);
    const events: PpWebhookEvent[] = [];
    const sandbox = await start({
      now: () => clock,
      onEvent: (event) => events.push(event),
      fulfilmentMinutes: { processing: 5, shipped: 10, delivered: 15 },
    });
    try {
      const order = await createOrder(sandbox, 'WH-1');
      const seen: string[] = [];
      for (const minutes of [4, 5, 9, 10, 14, 15, 600]) {
        clock = at(minutes);
        seen.push(await statusOf(sandbox, order.id));
      }
      assert.deepEqual(seen, [
        'pending',
        'processing',
        'processing',
        'shipped',
        'shipped',
        'delivered',
        'delivered',
      ]);
      assert.deepEqual(
        events.map((event) => [
          event.type,
          'status' in event.data ? event.data.status : null,
          event.created_at,
        ]),
        [
          ['order.created', 'pending', '2026-06-01T10:00:00Z'],
          ['order.updated', 'processing', '2026-06-01T10:05:00Z'],
          ['order.updated', 'shipped', '2026-06-01T10:10:00Z'],
          ['order.updated', 'delivered', '2026-06-01T10:15:00Z'],
        ],
      );
      assert.equal(sandbox.events().length, 4);
      assert.deepEqual(sandbox.webhookDeliveries(), []);
      // Seeded orders are a fixed picture: the warehouse leaves them alone.
      const seeded = asList<PpOrder>(
        await send(sandbox, 'GET', `/orders?partner_id=${SEEDED_PARTNER_ID}&limit=5`),
      );
      assert.deepEqual(
        seeded.data.map((o) => o.status),
        SEEDED_ORDERS.map((o) => o.status),
      );
    } finally {
      await sandbox.close();
    }
  });

  it('defaults to 2, 30 and 120 minutes; false leaves orders to PATCH alone', async () => {
    let clock = new Date('2026-06-01T10:00:00Z');
    const defaults = await start({ now: () => clock });
    const off = await start({ now: () => clock, fulfilmentMinutes: false });
    try {
      const moving = await createOrder(defaults, 'WH-DEFAULT');
      const still = await createOrder(off, 'WH-OFF');
      const seen: [string, string][] = [];
      for (const minutes of [1, 2, 29, 30, 119, 120]) {
        clock = new Date(Date.parse('2026-06-01T10:00:00Z') + minutes * 60_000);
        seen.push([await statusOf(defaults, moving.id), await statusOf(off, still.id)]);
      }
      assert.deepEqual(seen, [
        ['pending', 'pending'],
        ['processing', 'pending'],
        ['processing', 'pending'],
        ['shipped', 'pending'],
        ['shipped', 'pending'],
        ['delivered', 'pending'],
      ]);
      assert.deepEqual(await off.advance(), []);
    } finally {
      await defaults.close();
      await off.close();
    }
  });

  it('refuses a schedule that runs backwards', async () => {
    await assert.rejects(
      start({ fulfilmentMinutes: { processing: 10, shipped: 5, delivered: 20 } }),
      /fulfilmentMinutes/,
    );
    await assert.rejects(
      start({ fulfilmentMinutes: { processing: -1, shipped: 5, delivered: 20 } }),
      /fulfilmentMinutes/,
    );
    await assert.rejects(start({ fulfilmentTickMs: 0 }), /fulfilmentTickMs/);
  });

  it('keeps its queue across a restart and catches up on what fell due meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-sandbox-'));
    const dataFile = join(dir, 'partnerportal.json');
    try {
      let clock = new Date('2026-06-01T10:00:00Z');
      const first = await start({ dataFile, now: () => clock });
      const order = await createOrder(first, 'WH-RESTART');
      await first.close();

      clock = new Date('2026-06-01T11:00:00Z');
      const second = await start({ dataFile, now: () => clock });
      try {
        const moved = await second.advance();
        assert.deepEqual(
          moved.map((event) => [
            event.type,
            'status' in event.data ? event.data.status : null,
            event.created_at,
          ]),
          [
            ['order.updated', 'processing', '2026-06-01T10:02:00Z'],
            ['order.updated', 'shipped', '2026-06-01T10:30:00Z'],
          ],
        );
        assert.equal(await statusOf(second, order.id), 'shipped');
        assert.deepEqual(
          second.events().map((event) => event.type),
          ['order.created', 'order.updated', 'order.updated'],
        );
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PartnerPortal sandbox: persistence and request counts', () => {
  it('keeps partners, orders, statuses and events across a restart on the same file, without seeding again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-sandbox-'));
    const dataFile = join(dir, 'partnerportal.json');
    try {
      const first = await start({ dataFile });
      const partner = await createPartner(first, 'PERSIST-1');
      const patched = await send(first, 'PATCH', `/partners/${partner.id}`, {
        body: { email: 'p@persist.example' },
      });
      const orderReply = await send(first, 'POST', '/orders', {
        body: {
          partner_id: partner.id,
          external_reference: 'PERSIST-PO-1',
          lines: [{ product_id: productId('31001'), quantity: 2 }],
        },
      });
      const order = orderReply.body as PpOrder;
      const shipped = await send(first, 'PATCH', `/orders/${order.id}`, { body: { status: 'shipped' } });
      const eventsBefore = first.events();
      assert.deepEqual(
        eventsBefore.map((event) => event.type),
        ['partner.updated', 'partner.updated', 'order.created', 'order.updated'],
      );
      await first.close();
      assert.ok(readFileSync(dataFile, 'utf8').includes('PERSIST-PO-1'));

      const second = await start({ dataFile });
      try {
        assert.deepEqual((await send(second, 'GET', `/partners/${partner.id}`)).body, patched.body);
        assert.deepEqual((await send(second, 'GET', `/orders/${order.id}`)).body, shipped.body);
        const partners = asList<PpPartner>(await send(second, 'GET', '/partners?limit=1'));
        assert.equal(partners.total_count, SEEDED_PARTNER_COUNT + 1);
        const acme = asList<PpPartner>(await send(second, 'GET', '/partners?external_id=ACME-001'));
        assert.equal(acme.total_count, 1);
        const orders = asList<PpOrder>(await send(second, 'GET', '/orders'));
        assert.equal(orders.total_count, SEEDED_ORDERS.length + 1);
        assert.deepEqual(second.events(), eventsBefore);

        const conflict = await send(second, 'POST', '/partners', {
          body: { external_id: 'PERSIST-1', name: 'x' },
        });
        assert.equal(asError(conflict).existing_id, partner.id);
        const next = await createPartner(second, 'PERSIST-2');
        assert.notEqual(next.id, partner.id);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not seed a file that was started empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-sandbox-'));
    const dataFile = join(dir, 'nested', 'partnerportal.json');
    try {
      const first = await start({ dataFile, seed: false });
      await createPartner(first, 'ONLY-1');
      await first.close();
      const second = await start({ dataFile, seed: true });
      try {
        const partners = asList<PpPartner>(await send(second, 'GET', '/partners'));
        assert.deepEqual(
          partners.data.map((p) => p.external_id),
          ['ONLY-1'],
        );
        assert.equal(asList(await send(second, 'GET', '/orders')).total_count, 0);
        assert.equal(asList(await send(second, 'GET', '/products')).total_count, 6);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts requests by route pattern', async () => {
    const sandbox = await start();
    try {
      await send(sandbox, 'GET', '/ping');
      await send(sandbox, 'GET', `/partners/${SEEDED_PARTNER_ID}`);
      await send(sandbox, 'GET', '/partners/ptn_other');
      await send(sandbox, 'GET', '/partners?ids=a,b');
      await send(sandbox, 'GET', '/products?skus=31001');
      await send(sandbox, 'POST', '/orders', { body: {} });
      await sendTo(`${sandbox.origin}/nope`, 'GET');
      assert.deepEqual(sandbox.requestCounts(), {
        'GET /v1/ping': 1,
        'GET /v1/partners/:id': 2,
        'GET /v1/partners': 1,
        'GET /v1/products': 1,
        'POST /v1/orders': 1,
        'GET /nope': 1,
      });
      assert.equal(sandbox.totalRequests(), 7);
      sandbox.resetCounts();
      assert.equal(sandbox.totalRequests(), 0);
    } finally {
      await sandbox.close();
    }
  });
});
