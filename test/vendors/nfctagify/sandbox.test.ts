import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DOC_PRODUCT_ID,
  NFC_TAGIFY_CATALOGUE,
  SEEDED_CUSTOMER_REFERENCES,
  SEEDED_ORDER_IDS,
  STICKER_PACK_PRODUCT_ID,
  startNfcTagifySandbox,
} from '../../../src/vendors/nfctagify/sandbox.js';
import type { NfcTagifySandbox, NfcTagifySandboxOptions } from '../../../src/vendors/nfctagify/sandbox.js';
import type {
  NtCreateOrderRequest,
  NtCreatedOrder,
  NtErrorBody,
  NtOrder,
  NtOrderStatus,
  NtPage,
  NtPrice,
  NtProduct,
  NtSuccess,
} from '../../../src/vendors/nfctagify/contract.js';

const KEY_A = `nt-test-a-${randomUUID()}`;
const KEY_B = `nt-test-b-${randomUUID()}`;
const ACCOUNT_A = 'acct_alpha';
const ACCOUNT_B = 'acct_beta';
/** Account B pays less for the document's product only. */
const B_OVERRIDE = 2.95;
const MINUTE_MS = 60_000;

/** The document's products example, verbatim. */
const DOC_PRODUCT: NtProduct = {
  product_id: 'prod_abc123',
  name: 'NFC Business Card — Standard',
  description: '85.6 × 54 mm PVC card with NFC chip',
  price: 3.5,
  currency: 'GBP',
  min_quantity: 1,
};

/** The document's create-order request, verbatim. */
function docOrderBody(): NtCreateOrderRequest {
  return {
    product_id: 'prod_abc123',
    quantity: 50,
    customer_reference: 'YOUR-ORDER-REF-001',
    shipping: {
      name: 'Jane Smith',
      address_line1: '12 Example Street',
      city: 'London',
      postcode: 'EC1A 1BB',
      country: 'GB',
    },
  };
}

const ORDER_KEYS = [
  'order_id',
  'status',
  'customer_reference',
  'product_id',
  'quantity',
  'shipping',
  'created_at',
  'updated_at',
  'currency',
  'total',
  'tracking_number',
  'line_items',
];

/** A settable sandbox clock. */
interface Clock {
  ms: number;
  now: () => Date;
  set(iso: string): void;
  advance(minutes: number): void;
}

function clockAt(iso: string): Clock {
  const clock: Clock = {
    ms: Date.parse(iso),
    now: () => new Date(clock.ms),
    set: (to) => {
      clock.ms = Date.parse(to);
    },
    advance: (minutes) => {
      clock.ms += minutes * MINUTE_MS;
    },
  };
  return clock;
}

function start(clock: Clock, overrides: Partial<NfcTagifySandboxOptions> = {}): Promise<NfcTagifySandbox> {
  return startNfcTagifySandbox({
    accounts: [
      { apiKey: KEY_A, accountId: ACCOUNT_A },
      { apiKey: KEY_B, accountId: ACCOUNT_B, priceOverrides: { [DOC_PRODUCT_ID]: B_OVERRIDE } },
    ],
    now: clock.now,
    seed: false,
    ...overrides,
  });
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
  /** Replaces the whole Authorization header. */
  authorization?: string;
}

/** Calls `<baseUrl><path>` (the vendor API). */
function send(
  sandbox: NfcTagifySandbox,
  method: string,
  path: string,
  options: SendOptions = {},
): Promise<Reply> {
  return sendTo(`${sandbox.baseUrl}${path}`, method, options);
}

async function sendTo(url: string, method: string, options: SendOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? KEY_A : options.key;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  else if (key !== null) headers.authorization = `Bearer ${key}`;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: payload });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
  const body: unknown = isJson && text !== '' ? JSON.parse(text) : undefined;
  return { status: response.status, headers: response.headers, text, body };
}

function data<T>(reply: Reply): T {
  return (reply.body as NtSuccess<T>).data;
}

function asError(reply: Reply): NtErrorBody {
  return reply.body as NtErrorBody;
}

function fields(reply: Reply): string[] {
  return (asError(reply).details ?? []).map((detail) => detail.field);
}

function page(reply: Reply): NtPage<NtOrder> {
  return reply.body as NtPage<NtOrder>;
}

async function create(
  sandbox: NfcTagifySandbox,
  overrides: Partial<NtCreateOrderRequest> = {},
  key = KEY_A,
): Promise<NtCreatedOrder> {
  const reply = await send(sandbox, 'POST', '/orders', { body: { ...docOrderBody(), ...overrides }, key });
  assert.equal(reply.status, 201, reply.text);
  return data<NtCreatedOrder>(reply);
}

async function getOrder(sandbox: NfcTagifySandbox, orderId: string, key = KEY_A): Promise<NtOrder> {
  const reply = await send(sandbox, 'GET', `/orders/${orderId}`, { key });
  assert.equal(reply.status, 200, reply.text);
  return data<NtOrder>(reply);
}

async function listIds(sandbox: NfcTagifySandbox, query: Record<string, string>): Promise<string[]> {
  const reply = await send(sandbox, 'GET', `/orders?${new URLSearchParams(query).toString()}`);
  assert.equal(reply.status, 200, reply.text);
  return page(reply).data.map((order) => order.order_id);
}

function cancel(sandbox: NfcTagifySandbox, orderId: string, key: string | null = KEY_A): Promise<Reply> {
  return sendTo(`${sandbox.origin}/__sandbox/orders/${orderId}/cancel`, 'POST', { key });
}

function bodyWith(rest: Partial<NtCreateOrderRequest>): Record<string, unknown> {
  return { ...docOrderBody(), ...rest };
}

describe('NFC Tagify sandbox: the document’s examples', () => {
  const clock = clockAt('2026-05-25T09:00:00Z');
  let sandbox: NfcTagifySandbox;
  before(async () => {
    sandbox = await start(clock);
  });
  after(() => sandbox.close());

  let created: NtCreatedOrder;

  it('exposes the base URL under /api/partner', () => {
    assert.equal(sandbox.baseUrl, `${sandbox.origin}/api/partner`);
  });

  it('lists products with the document’s product first, exactly as the example', async () => {
    const reply = await send(sandbox, 'GET', '/products');
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
    const body = reply.body as NtSuccess<NtProduct[]>;
    assert.deepEqual(Object.keys(body), ['success', 'data']);
    assert.equal(body.success, true);
    assert.deepEqual(body.data[0], DOC_PRODUCT);
    assert.deepEqual(Object.keys(body.data[0] ?? {}), Object.keys(DOC_PRODUCT));
    assert.equal(body.data.length, NFC_TAGIFY_CATALOGUE.length);
    for (const product of body.data) {
      assert.deepEqual(Object.keys(product), Object.keys(DOC_PRODUCT));
      assert.match(product.product_id, /^prod_[a-z0-9]+$/);
      assert.equal(product.currency, 'GBP');
    }
  });

  it('answers the create-order example with 201 and the example’s shape: ord_ id, pending, created_at', async () => {
    const reply = await send(sandbox, 'POST', '/orders', { body: docOrderBody() });
    assert.equal(reply.status, 201);
    assert.deepEqual(Object.keys(reply.body as object), ['success', 'data']);
    assert.equal((reply.body as NtSuccess<unknown>).success, true);
    created = data<NtCreatedOrder>(reply);
    assert.deepEqual(Object.keys(created), ['order_id', 'status', 'created_at']);
    assert.match(created.order_id, /^ord_[a-z0-9]{10}$/);
    assert.deepEqual(created, {
      order_id: created.order_id,
      status: 'pending',
      created_at: '2026-05-25T09:00:00Z',
    });
    assert.equal(reply.headers.get('location'), `/api/partner/orders/${created.order_id}`);
  });

  it('answers the order with its line item, price, total and shipping (address_line2 null when not given)', async () => {
    const order = await getOrder(sandbox, created.order_id);
    assert.deepEqual(Object.keys(order), ORDER_KEYS);
    assert.deepEqual(order, {
      order_id: created.order_id,
      status: 'pending',
      customer_reference: 'YOUR-ORDER-REF-001',
      product_id: 'prod_abc123',
      quantity: 50,
      shipping: {
        name: 'Jane Smith',
        address_line1: '12 Example Street',
        address_line2: null,
        city: 'London',
        postcode: 'EC1A 1BB',
        country: 'GB',
      },
      created_at: '2026-05-25T09:00:00Z',
      updated_at: '2026-05-25T09:00:00Z',
      currency: 'GBP',
      total: 175,
      tracking_number: null,
      line_items: [
        {
          line_id: order.line_items[0]?.line_id ?? '',
          product_id: 'prod_abc123',
          name: 'NFC Business Card — Standard',
          quantity: 50,
          unit_price: 3.5,
          status: 'pending',
        },
      ],
    });
    assert.match(order.line_items[0]?.line_id ?? '', /^li_[a-z0-9]{10}$/);
  });

  it('answers errors in the document’s body: success false, error text, code', async () => {
    const reply = await send(sandbox, 'GET', '/orders/ord_nope');
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.body, { success: false, error: 'Order not found', code: 'NOT_FOUND' });
  });

  it('gives every order a fresh id', async () => {
    const second = await create(sandbox);
    assert.notEqual(second.order_id, created.order_id);
  });
});

describe('NFC Tagify sandbox: authentication', () => {
  const clock = clockAt('2026-05-25T09:00:00Z');
  let sandbox: NfcTagifySandbox;
  before(async () => {
    sandbox = await start(clock, { requestsPerMinute: 3 });
  });
  after(() => sandbox.close());

  it('answers 401 UNAUTHORIZED without a key, with a wrong key or another scheme, never echoing the key', async () => {
    const wrongKey = `${KEY_A}-wrong`;
    for (const options of [
      { key: null },
      { key: wrongKey },
      { key: 'x' },
      { authorization: `Basic ${KEY_A}` },
      { authorization: KEY_A },
      { authorization: 'Bearer' },
    ] satisfies SendOptions[]) {
      const reply = await send(sandbox, 'GET', '/products', options);
      assert.equal(reply.status, 401, JSON.stringify(options));
      assert.equal(asError(reply).code, 'UNAUTHORIZED');
      assert.equal(asError(reply).success, false);
      assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.ok(!reply.text.includes(KEY_A), 'never echoes the key');
      assert.equal(reply.headers.get('x-ratelimit-limit'), null, 'no account, so no rate-limit headers');
    }
  });

  it('checks the key before reading the body, on every vendor route', async () => {
    assert.equal((await send(sandbox, 'POST', '/orders', { raw: '{', key: null })).status, 401);
    assert.equal((await send(sandbox, 'POST', '/orders', { body: {}, key: 'x' })).status, 401);
    for (const path of ['/products/prod_abc123', '/pricing', '/orders', '/orders/ord_x']) {
      assert.equal((await send(sandbox, 'GET', path, { key: null })).status, 401, path);
    }
    assert.equal((await cancel(sandbox, 'ord_x', null)).status, 401);
  });

  it('accepts the scheme in any case, and failed attempts cost no account anything', async () => {
    for (let i = 0; i < 5; i += 1) await send(sandbox, 'GET', '/products', { key: 'nope' });
    const reply = await send(sandbox, 'GET', '/products', { authorization: `bearer ${KEY_A}` });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('x-ratelimit-remaining'), '2');
  });

  it('picks the account by key', async () => {
    const b = await send(sandbox, 'GET', '/products', { key: KEY_B });
    assert.equal(b.status, 200);
    assert.equal(data<NtProduct[]>(b)[0]?.price, B_OVERRIDE);
  });
});

describe('NFC Tagify sandbox: products and pricing per account', () => {
  const clock = clockAt('2026-05-25T09:00:00Z');
  let sandbox: NfcTagifySandbox;
  before(async () => {
    sandbox = await start(clock);
  });
  after(() => sandbox.close());

  it('shows an account’s override in the products price and nowhere else', async () => {
    const a = data<NtProduct[]>(await send(sandbox, 'GET', '/products'));
    const b = data<NtProduct[]>(await send(sandbox, 'GET', '/products', { key: KEY_B }));
    assert.deepEqual(
      a.map((product) => product.price),
      NFC_TAGIFY_CATALOGUE.map((product) => product.standard_price),
    );
    assert.deepEqual(
      b,
      a.map((product) =>
        product.product_id === DOC_PRODUCT_ID ? { ...product, price: B_OVERRIDE } : product,
      ),
    );
  });

  it('answers the pricing schedule: standard_price, the account’s price and whether it is an override', async () => {
    const reply = await send(sandbox, 'GET', '/pricing', { key: KEY_B });
    assert.equal(reply.status, 200);
    const schedule = data<NtPrice[]>(reply);
    assert.equal(schedule.length, NFC_TAGIFY_CATALOGUE.length);
    assert.deepEqual(schedule[0], {
      product_id: 'prod_abc123',
      currency: 'GBP',
      standard_price: 3.5,
      price: B_OVERRIDE,
      override: true,
    });
    assert.deepEqual(Object.keys(schedule[0] ?? {}), [
      'product_id',
      'currency',
      'standard_price',
      'price',
      'override',
    ]);
    for (const entry of schedule.slice(1)) {
      assert.equal(entry.override, false);
      assert.equal(entry.price, entry.standard_price);
    }
    const a = data<NtPrice[]>(await send(sandbox, 'GET', '/pricing'));
    assert.deepEqual(
      a.map((entry) => [entry.price, entry.override]),
      NFC_TAGIFY_CATALOGUE.map((product) => [product.standard_price, false]),
    );
  });

  it('answers one product by id with the account’s price, and 404 for an unknown one', async () => {
    assert.deepEqual(data(await send(sandbox, 'GET', '/products/prod_abc123')), DOC_PRODUCT);
    assert.deepEqual(data(await send(sandbox, 'GET', '/products/prod_abc123', { key: KEY_B })), {
      ...DOC_PRODUCT,
      price: B_OVERRIDE,
    });
    const missing = await send(sandbox, 'GET', '/products/prod_nope');
    assert.equal(missing.status, 404);
    assert.equal(asError(missing).code, 'NOT_FOUND');
  });

  it('prices an order at the account’s price', async () => {
    const created = await create(sandbox, { quantity: 10 }, KEY_B);
    const order = await getOrder(sandbox, created.order_id, KEY_B);
    assert.equal(order.line_items[0]?.unit_price, B_OVERRIDE);
    assert.equal(order.total, 29.5);
    const stickers = await create(sandbox, { product_id: STICKER_PACK_PRODUCT_ID, quantity: 30 });
    assert.equal(
      (await getOrder(sandbox, stickers.order_id)).total,
      24,
      'in pence first: 0.8 × 30 is exactly 24',
    );
  });

  it('refuses overrides for unknown products and an empty account list at start', async () => {
    await assert.rejects(
      startNfcTagifySandbox({
        accounts: [{ apiKey: 'k', accountId: 'a', priceOverrides: { prod_nope: 1 } }],
      }),
      /unknown product prod_nope/,
    );
    await assert.rejects(startNfcTagifySandbox({ accounts: [] }), /at least one account/);
    await assert.rejects(
      startNfcTagifySandbox({
        accounts: [{ apiKey: 'k', accountId: 'a' }],
        fulfilmentMinutes: { processing: 10, dispatched: 5, delivered: 60 },
      }),
      /fulfilmentMinutes/,
    );
  });
});

describe('NFC Tagify sandbox: order validation', () => {
  const clock = clockAt('2026-05-25T09:00:00Z');
  let sandbox: NfcTagifySandbox;
  before(async () => {
    sandbox = await start(clock);
  });
  after(() => sandbox.close());

  async function rejected(body: unknown): Promise<Reply> {
    const reply = await send(sandbox, 'POST', '/orders', { body });
    assert.equal(reply.status, 400, reply.text);
    assert.equal(asError(reply).code, 'VALIDATION_ERROR');
    assert.equal(asError(reply).success, false);
    assert.equal(asError(reply).field, fields(reply)[0], 'field is the first offending field');
    return reply;
  }

  it('names every missing top-level field, the first as field', async () => {
    const reply = await rejected({});
    assert.deepEqual(fields(reply), ['product_id', 'quantity', 'customer_reference', 'shipping']);
    assert.deepEqual(Object.keys(reply.body as object), ['success', 'error', 'code', 'field', 'details']);
    assert.equal(asError(reply).error, 'Invalid request: product_id is required (and 3 more problems)');
  });

  it('names every missing shipping field by its dotted path', async () => {
    const reply = await rejected(bodyWith({ shipping: {} as NtCreateOrderRequest['shipping'] }));
    assert.deepEqual(fields(reply), [
      'shipping.name',
      'shipping.address_line1',
      'shipping.city',
      'shipping.postcode',
      'shipping.country',
    ]);
  });

  it('requires product_id to name an existing product', async () => {
    assert.deepEqual(fields(await rejected(bodyWith({ product_id: 'prod_nope' }))), ['product_id']);
    assert.deepEqual(fields(await rejected(bodyWith({ product_id: '' }))), ['product_id']);
  });

  it('requires an integer quantity between the product’s min_quantity and 10000', async () => {
    for (const quantity of [0, -1, 2.5, '5', 10001]) {
      const reply = await rejected({ ...docOrderBody(), quantity });
      assert.deepEqual(fields(reply), ['quantity'], String(quantity));
    }
    const stickers = await rejected(bodyWith({ product_id: STICKER_PACK_PRODUCT_ID, quantity: 9 }));
    assert.deepEqual(asError(stickers).details, [
      { field: 'quantity', message: `must be at least 10 (min_quantity of ${STICKER_PACK_PRODUCT_ID})` },
    ]);
    await create(sandbox, { product_id: STICKER_PACK_PRODUCT_ID, quantity: 10 });
    await create(sandbox, { quantity: 1 });
    await create(sandbox, { quantity: 10000 });
  });

  it('requires customer_reference of 1–100 characters', async () => {
    assert.deepEqual(fields(await rejected(bodyWith({ customer_reference: '' }))), ['customer_reference']);
    assert.deepEqual(fields(await rejected(bodyWith({ customer_reference: '   ' }))), ['customer_reference']);
    assert.deepEqual(fields(await rejected(bodyWith({ customer_reference: 'x'.repeat(101) }))), [
      'customer_reference',
    ]);
    assert.deepEqual(fields(await rejected({ ...docOrderBody(), customer_reference: 42 })), [
      'customer_reference',
    ]);
    await create(sandbox, { customer_reference: 'x'.repeat(100) });
    await create(sandbox, { customer_reference: 'x' });
  });

  it('requires an upper-case ISO 3166-1 alpha-2 country', async () => {
    for (const country of ['gb', 'GBR', 'G', '', 'G1']) {
      const reply = await rejected(bodyWith({ shipping: { ...docOrderBody().shipping, country } }));
      assert.deepEqual(fields(reply), ['shipping.country'], country);
    }
    await create(sandbox, { shipping: { ...docOrderBody().shipping, country: 'IE' } });
  });

  it('requires non-empty name, address_line1, city and postcode; address_line2 is optional', async () => {
    const shipping = docOrderBody().shipping;
    for (const field of ['name', 'address_line1', 'city', 'postcode'] as const) {
      const reply = await rejected(bodyWith({ shipping: { ...shipping, [field]: ' ' } }));
      assert.deepEqual(fields(reply), [`shipping.${field}`]);
    }
    assert.deepEqual(
      fields(await rejected({ ...docOrderBody(), shipping: { ...shipping, address_line2: 7 } })),
      ['shipping.address_line2'],
    );
    assert.deepEqual(
      fields(await rejected(bodyWith({ shipping: { ...shipping, postcode: 'x'.repeat(17) } }))),
      ['shipping.postcode'],
    );
    assert.deepEqual(fields(await rejected({ ...docOrderBody(), shipping: 'London' })), ['shipping']);

    const withLine2 = await create(sandbox, { shipping: { ...shipping, address_line2: 'Floor 3' } });
    assert.equal((await getOrder(sandbox, withLine2.order_id)).shipping.address_line2, 'Floor 3');
    const withNull = await create(sandbox, { shipping: { ...shipping, address_line2: null } });
    assert.equal((await getOrder(sandbox, withNull.order_id)).shipping.address_line2, null);
  });

  it('reports problems of every level together', async () => {
    const reply = await rejected({
      product_id: 'prod_abc123',
      quantity: 0,
      customer_reference: 'R',
      shipping: { ...docOrderBody().shipping, postcode: '', country: 'uk' },
    });
    assert.deepEqual(fields(reply), ['quantity', 'shipping.postcode', 'shipping.country']);
    assert.equal(asError(reply).field, 'quantity');
  });

  it('answers 400 VALIDATION_ERROR naming body for malformed JSON, a JSON array and a missing body', async () => {
    for (const options of [{ raw: '{"product_id": ' }, { raw: '[]' }, {}] satisfies SendOptions[]) {
      const reply = await send(sandbox, 'POST', '/orders', options);
      assert.equal(reply.status, 400, JSON.stringify(options));
      assert.equal(asError(reply).code, 'VALIDATION_ERROR');
      assert.equal(asError(reply).field, 'body');
    }
  });

  it('stores nothing for a rejected order', async () => {
    const before = page(await send(sandbox, 'GET', '/orders')).meta.total;
    await rejected({});
    assert.equal(page(await send(sandbox, 'GET', '/orders')).meta.total, before);
  });
});

describe('NFC Tagify sandbox: status over time and cancellation', () => {
  const clock = clockAt('2026-05-25T09:00:00Z');
  let sandbox: NfcTagifySandbox;
  before(async () => {
    sandbox = await start(clock);
  });
  after(() => sandbox.close());

  it('advances pending → processing → dispatched → delivered at the default 1 / 10 / 60 minutes', async () => {
    clock.set('2026-05-25T09:00:00Z');
    const { order_id } = await create(sandbox);
    const seen: [NtOrderStatus, string, string | null, NtOrderStatus | undefined][] = [];
    for (const offsetSeconds of [0, 59, 60, 599, 600, 3599, 3600, 86400]) {
      clock.ms = Date.parse('2026-05-25T09:00:00Z') + offsetSeconds * 1000;
      const order = await getOrder(sandbox, order_id);
      seen.push([order.status, order.updated_at, order.tracking_number, order.line_items[0]?.status]);
    }
    const tracking = seen[4]?.[2] ?? '';
    assert.match(tracking, /^NT\d{9}GB$/);
    assert.deepEqual(seen, [
      ['pending', '2026-05-25T09:00:00Z', null, 'pending'],
      ['pending', '2026-05-25T09:00:00Z', null, 'pending'],
      ['processing', '2026-05-25T09:01:00Z', null, 'processing'],
      ['processing', '2026-05-25T09:01:00Z', null, 'processing'],
      ['dispatched', '2026-05-25T09:10:00Z', tracking, 'dispatched'],
      ['dispatched', '2026-05-25T09:10:00Z', tracking, 'dispatched'],
      ['delivered', '2026-05-25T10:00:00Z', tracking, 'delivered'],
      ['delivered', '2026-05-25T10:00:00Z', tracking, 'delivered'],
    ]);
  });

  it('honours a configured schedule', async () => {
    const local = clockAt('2026-05-25T09:00:00Z');
    const quick = await start(local, { fulfilmentMinutes: { processing: 2, dispatched: 3, delivered: 4 } });
    try {
      const { order_id } = await create(quick);
      const statuses: NtOrderStatus[] = [];
      for (let minute = 0; minute <= 4; minute += 1) {
        statuses.push((await getOrder(quick, order_id)).status);
        local.advance(1);
      }
      assert.deepEqual(statuses, ['pending', 'pending', 'processing', 'dispatched', 'delivered']);
    } finally {
      await quick.close();
    }
  });

  it('cancels a pending order through the sandbox route; it never advances and a repeat changes nothing', async () => {
    clock.set('2026-05-25T09:00:00Z');
    const { order_id } = await create(sandbox);
    clock.set('2026-05-25T09:00:30Z');
    const reply = await cancel(sandbox, order_id);
    assert.equal(reply.status, 200);
    const cancelled = data<NtOrder>(reply);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.updated_at, '2026-05-25T09:00:30Z');
    assert.equal(cancelled.line_items[0]?.status, 'cancelled');
    clock.set('2026-05-26T09:00:00Z');
    const later = await getOrder(sandbox, order_id);
    assert.deepEqual(later, cancelled);
    assert.equal(later.tracking_number, null);
    const again = await cancel(sandbox, order_id);
    assert.equal(again.status, 200);
    assert.deepEqual(data(again), cancelled);
  });

  it('cancels a processing order, refuses dispatched and delivered ones with 403 FORBIDDEN', async () => {
    clock.set('2026-05-25T09:00:00Z');
    const processing = await create(sandbox);
    const dispatched = await create(sandbox);
    const delivered = await create(sandbox);
    clock.set('2026-05-25T09:05:00Z');
    assert.equal(data<NtOrder>(await cancel(sandbox, processing.order_id)).status, 'cancelled');
    clock.set('2026-05-25T09:10:00Z');
    const refused = await cancel(sandbox, dispatched.order_id);
    assert.equal(refused.status, 403);
    assert.equal(asError(refused).code, 'FORBIDDEN');
    assert.equal((await getOrder(sandbox, dispatched.order_id)).status, 'dispatched');
    clock.set('2026-05-25T10:00:00Z');
    assert.equal((await cancel(sandbox, delivered.order_id)).status, 403);
  });

  it('answers 404 for an unknown order or another account’s on the cancel route', async () => {
    clock.set('2026-05-25T09:00:00Z');
    const { order_id } = await create(sandbox);
    assert.equal((await cancel(sandbox, 'ord_nope')).status, 404);
    const other = await cancel(sandbox, order_id, KEY_B);
    assert.equal(other.status, 404);
    assert.equal(asError(other).code, 'NOT_FOUND');
    assert.equal((await getOrder(sandbox, order_id)).status, 'pending');
  });
});

describe('NFC Tagify sandbox: accounts see only their own orders', () => {
  const clock = clockAt('2026-05-25T12:00:00Z');
  let sandbox: NfcTagifySandbox;
  before(async () => {
    sandbox = await start(clock, { seed: true });
  });
  after(() => sandbox.close());

  it('answers 404 for another account’s order, exactly as for a missing one', async () => {
    const own = await create(sandbox, {}, KEY_B);
    const reply = await send(sandbox, 'GET', `/orders/${SEEDED_ORDER_IDS[0] ?? ''}`, { key: KEY_B });
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.body, { success: false, error: 'Order not found', code: 'NOT_FOUND' });
    assert.equal((await send(sandbox, 'GET', `/orders/${own.order_id}`)).status, 404);
    assert.equal((await send(sandbox, 'GET', `/orders/${own.order_id}`, { key: KEY_B })).status, 200);
  });

  it('lists only the caller’s orders', async () => {
    const b = page(await send(sandbox, 'GET', '/orders', { key: KEY_B }));
    assert.equal(b.meta.total, 1);
    const a = page(await send(sandbox, 'GET', '/orders'));
    assert.equal(a.meta.total, SEEDED_ORDER_IDS.length);
  });

  it('keeps each instance’s state to itself', async () => {
    const other = await start(clock);
    try {
      const { order_id } = await create(sandbox);
      assert.equal((await send(other, 'GET', `/orders/${order_id}`)).status, 404);
    } finally {
      await other.close();
    }
  });
});

describe('NFC Tagify sandbox: the seeded history, listing and filters', () => {
  // Seeded at 12:00:00 on 2026-05-25; see README.md for the plan these times come from.
  const clock = clockAt('2026-05-25T12:00:00Z');
  let sandbox: NfcTagifySandbox;
  before(async () => {
    sandbox = await start(clock, { seed: true });
  });
  after(() => sandbox.close());

  const newestFirst = [...SEEDED_ORDER_IDS].reverse();
  const seeded = (n: number): string => SEEDED_ORDER_IDS[n - 1] ?? '';

  it('lists the seeded orders newest first with the default page size and the pagination meta', async () => {
    const reply = await send(sandbox, 'GET', '/orders');
    assert.equal(reply.status, 200);
    const body = page(reply);
    assert.deepEqual(Object.keys(body), ['success', 'data', 'meta']);
    assert.deepEqual(body.meta, { page: 1, per_page: 20, total: 13, total_pages: 1 });
    assert.deepEqual(
      body.data.map((order) => order.order_id),
      newestFirst,
    );
    assert.deepEqual(Object.keys(body.data[0] ?? {}), ORDER_KEYS);
    assert.deepEqual(
      body.data.map((order) => [order.created_at, order.status, order.customer_reference]),
      [
        ['2026-05-25T12:00:00Z', 'pending', 'SEED-REF-013'],
        ['2026-05-25T11:54:30Z', 'processing', 'SEED-REF-012'],
        ['2026-05-25T11:25:00Z', 'dispatched', 'SEED-REF-011'],
        ['2026-05-24T10:00:00Z', 'delivered', 'SEED-REF-010'],
        ['2026-05-23T09:00:00Z', 'delivered', 'SEED-REF-009'],
        ['2026-05-23T05:00:00Z', 'cancelled', 'SEED-REF-008'],
        ['2026-05-22T10:00:00Z', 'delivered', 'SEED-REF-007'],
        ['2026-05-21T06:00:00Z', 'delivered', 'SEED-REF-006'],
        ['2026-05-20T08:00:00Z', 'delivered', 'SEED-REF-005'],
        ['2026-05-19T11:00:00Z', 'delivered', 'SEED-REF-004'],
        ['2026-05-18T10:00:00Z', 'cancelled', 'SEED-REF-003'],
        ['2026-05-17T07:00:00Z', 'delivered', 'SEED-REF-002'],
        ['2026-05-16T09:00:00Z', 'delivered', 'SEED-REF-001'],
      ],
    );
    assert.deepEqual(SEEDED_CUSTOMER_REFERENCES[12], 'SEED-REF-013');
    for (const order of body.data) {
      const shipped = order.status === 'dispatched' || order.status === 'delivered';
      assert.equal(order.tracking_number !== null, shipped, order.order_id);
    }
  });

  it('pages through with per_page, the pages adding up to the whole list', async () => {
    const pages: NtPage<NtOrder>[] = [];
    for (let n = 1; n <= 4; n += 1) {
      pages.push(page(await send(sandbox, 'GET', `/orders?per_page=5&page=${n}`)));
    }
    assert.deepEqual(
      pages.map((p) => p.meta),
      [1, 2, 3, 4].map((n) => ({ page: n, per_page: 5, total: 13, total_pages: 3 })),
    );
    assert.deepEqual(
      pages.map((p) => p.data.length),
      [5, 5, 3, 0],
    );
    assert.deepEqual(
      pages.flatMap((p) => p.data.map((order) => order.order_id)),
      newestFirst,
    );
    assert.equal(page(await send(sandbox, 'GET', '/orders?per_page=100')).data.length, 13);
  });

  it('rejects per_page over 100 or under 1, and page under 1, naming the parameter', async () => {
    for (const [query, field] of [
      ['per_page=101', 'per_page'],
      ['per_page=0', 'per_page'],
      ['per_page=ten', 'per_page'],
      ['page=0', 'page'],
      ['page=-1', 'page'],
      ['page=1.5', 'page'],
      ['status=shipped', 'status'],
      ['status=Pending', 'status'],
      ['from=yesterday', 'from'],
      ['to=2026-02-30', 'to'],
      ['from=2026-05-25T10:00:00', 'from'],
      ['page=1&page=2', 'page'],
    ]) {
      const reply = await send(sandbox, 'GET', `/orders?${query}`);
      assert.equal(reply.status, 400, query);
      assert.equal(asError(reply).code, 'VALIDATION_ERROR');
      assert.equal(asError(reply).field, field, query);
    }
  });

  it('filters by each status', async () => {
    const counts: Record<string, number> = {};
    for (const status of ['pending', 'processing', 'dispatched', 'delivered', 'cancelled']) {
      const body = page(await send(sandbox, 'GET', `/orders?status=${status}`));
      assert.ok(body.data.every((order) => order.status === status));
      counts[status] = body.meta.total;
    }
    assert.deepEqual(counts, { pending: 1, processing: 1, dispatched: 1, delivered: 8, cancelled: 2 });
    assert.deepEqual(await listIds(sandbox, { status: 'cancelled' }), [seeded(8), seeded(3)]);
  });

  it('filters by from/to dates, to including its whole day', async () => {
    assert.deepEqual(await listIds(sandbox, { from: '2026-05-23', to: '2026-05-23' }), [
      seeded(9),
      seeded(8),
    ]);
    assert.deepEqual(await listIds(sandbox, { from: '2026-05-23', to: '2026-05-24' }), [
      seeded(10),
      seeded(9),
      seeded(8),
    ]);
    assert.deepEqual(await listIds(sandbox, { from: '2026-05-25' }), [seeded(13), seeded(12), seeded(11)]);
    assert.deepEqual(await listIds(sandbox, { to: '2026-05-16' }), [seeded(1)]);
    assert.deepEqual(await listIds(sandbox, { to: '2026-05-15' }), []);
  });

  it('treats date-time bounds as inclusive at both ends', async () => {
    assert.deepEqual(await listIds(sandbox, { from: '2026-05-23T05:00:00Z', to: '2026-05-23T09:00:00Z' }), [
      seeded(9),
      seeded(8),
    ]);
    assert.deepEqual(
      await listIds(sandbox, { from: '2026-05-23T05:00:01Z', to: '2026-05-23T08:59:59Z' }),
      [],
    );
    assert.deepEqual(
      await listIds(sandbox, { to: '2026-05-23T10:00:00+01:00', from: '2026-05-23T08:00:00Z' }),
      [seeded(9)],
    );
  });

  it('rejects to before from, naming to', async () => {
    const reply = await send(sandbox, 'GET', '/orders?from=2026-05-24&to=2026-05-23');
    assert.equal(reply.status, 400);
    assert.equal(asError(reply).field, 'to');
  });

  it('finds an order by customer_reference, exactly', async () => {
    assert.deepEqual(await listIds(sandbox, { customer_reference: 'SEED-REF-005' }), [seeded(5)]);
    const none = page(await send(sandbox, 'GET', '/orders?customer_reference=seed-ref-005'));
    assert.deepEqual(none.data, []);
    assert.deepEqual(none.meta, { page: 1, per_page: 20, total: 0, total_pages: 0 });
  });

  it('combines filters', async () => {
    assert.deepEqual(await listIds(sandbox, { status: 'delivered', from: '2026-05-22', to: '2026-05-23' }), [
      seeded(9),
      seeded(7),
    ]);
    assert.deepEqual(await listIds(sandbox, { status: 'delivered', per_page: '2', page: '2' }), [
      seeded(7),
      seeded(6),
    ]);
  });

  it('filters by the status at the current clock', async () => {
    clock.set('2026-05-25T13:00:00Z');
    try {
      assert.deepEqual(await listIds(sandbox, { status: 'delivered', from: '2026-05-25' }), [
        seeded(13),
        seeded(12),
        seeded(11),
      ]);
    } finally {
      clock.set('2026-05-25T12:00:00Z');
    }
  });

  it('holds the seeded orders for the first account, priced from the catalogue', async () => {
    const order = await getOrder(sandbox, seeded(1));
    assert.equal(order.product_id, DOC_PRODUCT_ID);
    assert.equal(order.quantity, 250);
    assert.equal(order.total, 875);
    assert.equal(order.updated_at, '2026-05-16T10:00:00Z');
  });
});

describe('NFC Tagify sandbox: ordering edges of the list', () => {
  it('breaks created_at ties by order_id, descending, and includes 23:59:59 in to=<that day>', async () => {
    const clock = clockAt('2026-05-24T23:59:59Z');
    const sandbox = await start(clock);
    try {
      const ids = [
        (await create(sandbox)).order_id,
        (await create(sandbox)).order_id,
        (await create(sandbox)).order_id,
      ];
      assert.deepEqual(await listIds(sandbox, {}), [...ids].sort().reverse());
      clock.set('2026-05-25T00:00:00Z');
      const midnight = await create(sandbox);
      assert.deepEqual((await listIds(sandbox, { to: '2026-05-24' })).sort(), [...ids].sort());
      assert.deepEqual(await listIds(sandbox, { from: '2026-05-25' }), [midnight.order_id]);
    } finally {
      await sandbox.close();
    }
  });

  it('starts empty without the seed', async () => {
    const sandbox = await start(clockAt('2026-05-25T12:00:00Z'));
    try {
      assert.deepEqual(page(await send(sandbox, 'GET', '/orders')).meta, {
        page: 1,
        per_page: 20,
        total: 0,
        total_pages: 0,
      });
    } finally {
      await sandbox.close();
    }
  });
});

describe('NFC Tagify sandbox: rate limit per account', () => {
  const clock = clockAt('2026-05-25T12:00:30Z');
  let sandbox: NfcTagifySandbox;
  before(async () => {
    sandbox = await start(clock, { requestsPerMinute: 5 });
  });
  after(() => sandbox.close());

  const windowEnd = String(Date.parse('2026-05-25T12:01:00Z') / 1000);

  it('counts down X-RateLimit-Remaining, then answers 429 RATE_LIMITED with Retry-After to the window end', async () => {
    const remaining: (string | null)[] = [];
    // Errors count too: a 404 and a 400 are requests the vendor served.
    for (const path of ['/products', '/pricing', '/orders/ord_nope', '/orders?page=0', '/orders']) {
      const reply = await send(sandbox, 'GET', path);
      assert.equal(reply.headers.get('x-ratelimit-limit'), '5');
      assert.equal(reply.headers.get('x-ratelimit-reset'), windowEnd);
      remaining.push(reply.headers.get('x-ratelimit-remaining'));
    }
    assert.deepEqual(remaining, ['4', '3', '2', '1', '0']);

    clock.set('2026-05-25T12:00:45Z');
    const limited = await send(sandbox, 'GET', '/products');
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.body, {
      success: false,
      error: 'Rate limit of 5 requests per minute exceeded',
      code: 'RATE_LIMITED',
    });
    assert.equal(limited.headers.get('retry-after'), '15');
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(limited.headers.get('x-ratelimit-reset'), windowEnd);
    assert.equal((await send(sandbox, 'POST', '/orders', { body: docOrderBody() })).status, 429);
  });

  it('limits each account on its own', async () => {
    const b = await send(sandbox, 'GET', '/products', { key: KEY_B });
    assert.equal(b.status, 200);
    assert.equal(b.headers.get('x-ratelimit-remaining'), '4');
  });

  it('leaves the sandbox cancel route outside the limit', async () => {
    const reply = await cancel(sandbox, 'ord_nope');
    assert.equal(reply.status, 404);
    assert.equal(reply.headers.get('x-ratelimit-limit'), null);
  });

  it('opens a new window at the next minute', async () => {
    clock.set('2026-05-25T12:01:00Z');
    const reply = await send(sandbox, 'GET', '/products');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('x-ratelimit-remaining'), '4');
    assert.equal(reply.headers.get('x-ratelimit-reset'), String(Date.parse('2026-05-25T12:02:00Z') / 1000));
  });
});

describe('NFC Tagify sandbox: daily order limit', () => {
  const clock = clockAt('2026-05-25T22:00:00Z');
  let sandbox: NfcTagifySandbox;
  before(async () => {
    sandbox = await start(clock, { ordersPerDay: 3 });
  });
  after(() => sandbox.close());

  it('accepts ordersPerDay orders, then answers 429 DAILY_ORDER_LIMIT with Retry-After to UTC midnight', async () => {
    for (let i = 0; i < 3; i += 1) await create(sandbox);
    clock.set('2026-05-25T22:30:00Z');
    const reply = await send(sandbox, 'POST', '/orders', { body: docOrderBody() });
    assert.equal(reply.status, 429);
    assert.equal(asError(reply).code, 'DAILY_ORDER_LIMIT');
    assert.deepEqual(Object.keys(reply.body as object), ['success', 'error', 'code']);
    assert.equal(reply.headers.get('retry-after'), String(90 * 60));
    assert.equal(page(await send(sandbox, 'GET', '/orders')).meta.total, 3, 'nothing stored');
  });

  it('still validates first, and leaves reads alone', async () => {
    const invalid = await send(sandbox, 'POST', '/orders', { body: {} });
    assert.equal(invalid.status, 400);
    assert.equal((await send(sandbox, 'GET', '/products')).status, 200);
  });

  it('counts per account', async () => {
    await create(sandbox, {}, KEY_B);
  });

  it('starts again at the next UTC day', async () => {
    clock.set('2026-05-25T23:59:59.500Z');
    assert.equal(
      (await send(sandbox, 'POST', '/orders', { body: docOrderBody() })).headers.get('retry-after'),
      '1',
    );
    clock.set('2026-05-26T00:00:00Z');
    const created = await create(sandbox);
    assert.equal(created.created_at, '2026-05-26T00:00:00Z');
  });
});

describe('NFC Tagify sandbox: persistence across restarts', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nfctagify-sandbox-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps orders, cancellations and daily counters, and does not seed again', async () => {
    const dataFile = join(dir, 'state.json');
    const clock = clockAt('2026-05-25T12:00:00Z');
    const options = { dataFile, seed: true, ordersPerDay: 2 };
    const first = await start(clock, options);
    let created: NtCreatedOrder;
    try {
      created = await create(first, { customer_reference: 'PERSIST-1' });
      await create(first);
      assert.equal((await cancel(first, created.order_id)).status, 200);
    } finally {
      await first.close();
    }
    const saved = JSON.parse(readFileSync(dataFile, 'utf8')) as { orders: unknown[] };
    assert.equal(saved.orders.length, SEEDED_ORDER_IDS.length + 2);

    clock.set('2026-05-25T15:00:00Z');
    const second = await start(clock, options);
    try {
      assert.equal(page(await send(second, 'GET', '/orders')).meta.total, SEEDED_ORDER_IDS.length + 2);
      const order = await getOrder(second, created.order_id);
      assert.equal(order.status, 'cancelled');
      assert.equal(order.customer_reference, 'PERSIST-1');
      assert.deepEqual(await listIds(second, { customer_reference: 'PERSIST-1' }), [created.order_id]);
      // The seeded pending order moved on with the clock, as any order does.
      assert.equal((await getOrder(second, SEEDED_ORDER_IDS[12] ?? '')).status, 'delivered');
      const limited = await send(second, 'POST', '/orders', { body: docOrderBody() });
      assert.equal(limited.status, 429);
      assert.equal(asError(limited).code, 'DAILY_ORDER_LIMIT');
    } finally {
      await second.close();
    }
  });

  it('refuses to start on a file it cannot read', async () => {
    const dataFile = join(dir, 'broken.json');
    writeFileSync(dataFile, '{"version": 99}');
    await assert.rejects(start(clockAt('2026-05-25T12:00:00Z'), { dataFile }), /cannot be read/);
  });
});

describe('NFC Tagify sandbox: routing and request counts', () => {
  const clock = clockAt('2026-05-25T12:00:00Z');
  let sandbox: NfcTagifySandbox;
  before(async () => {
    sandbox = await start(clock);
  });
  after(() => sandbox.close());

  it('answers unknown routes and methods with a JSON 404, never an HTML page', async () => {
    for (const [method, url] of [
      ['GET', `${sandbox.origin}/nope`],
      ['GET', `${sandbox.baseUrl}/nope`],
      ['GET', `${sandbox.origin}/api/partner`],
      ['DELETE', `${sandbox.baseUrl}/orders/ord_x`],
      ['PATCH', `${sandbox.baseUrl}/orders/ord_x`],
      ['GET', `${sandbox.baseUrl}/orders/ord_x/items`],
    ] as const) {
      const reply = await sendTo(url, method);
      assert.equal(reply.status, 404, `${method} ${url}`);
      assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
      assert.deepEqual(reply.body, { success: false, error: 'No such route', code: 'NOT_FOUND' });
    }
  });

  it('counts requests by route pattern, failed ones included', async () => {
    sandbox.resetCounts();
    const { order_id } = await create(sandbox);
    await send(sandbox, 'POST', '/orders', { body: {} });
    await send(sandbox, 'GET', `/orders/${order_id}`);
    await send(sandbox, 'GET', `/orders/${order_id}`, { key: null });
    await send(sandbox, 'GET', '/orders');
    await send(sandbox, 'GET', '/products');
    await send(sandbox, 'GET', '/products/prod_abc123');
    await send(sandbox, 'GET', '/pricing');
    await cancel(sandbox, order_id);
    await sendTo(`${sandbox.origin}/nope`, 'GET');
    assert.deepEqual(sandbox.requestCounts(), {
      'POST /api/partner/orders': 2,
      'GET /api/partner/orders/:order_id': 2,
      'GET /api/partner/orders': 1,
      'GET /api/partner/products': 1,
      'GET /api/partner/products/:product_id': 1,
      'GET /api/partner/pricing': 1,
      'POST /__sandbox/orders/:order_id/cancel': 1,
      'GET /nope': 1,
    });
    assert.equal(sandbox.totalRequests(), 10);
    sandbox.resetCounts();
    assert.equal(sandbox.totalRequests(), 0);
  });
});
