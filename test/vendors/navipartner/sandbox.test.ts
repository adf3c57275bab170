import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHANNEL_MANAGER_CATALOGUE,
  SEEDED_ORDER_ID,
  SEEDED_PARTNER_ID,
  startChannelManagerSandbox,
} from '../../../src/vendors/navipartner/sandbox.js';
import type { ChannelManagerSandbox } from '../../../src/vendors/navipartner/sandbox.js';
import { CM_API_KEY_HEADER } from '../../../src/vendors/navipartner/contract.js';
import type {
  CmErrorBody,
  CmOrder,
  CmOrderRequest,
  CmOrderSummary,
  CmWallet,
} from '../../../src/vendors/navipartner/contract.js';

const API_KEY = `np-test-key-${randomUUID()}`;
const DAY_MS = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DOC_TENANT_PATH = '/01234567-89ab-cdef-0123-456789abcdef/production/CRONUS%2520International%2520Ltd.';

/** Relative to the real clock, for every test that is not a replay of the document at its own date. */
const FUTURE_DATE = new Date(Date.now() + 30 * DAY_MS).toISOString().slice(0, 10);
const PAST_DATE = new Date(Date.now() - 2 * DAY_MS).toISOString().slice(0, 10);

/** The document's createOrder body, verbatim. */
function docCreateBody(): CmOrderRequest {
  return {
    partnerId: '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e',
    sellToOrderReference: 'PARTNER-ORDER-2026-00042',
    items: [
      {
        itemNumber: '31001',
        visitDate: '2026-06-01',
        visitTime: '10:30:00',
        quantity: 2,
        wallet: {
          names: ['Jane Doe', 'John Doe'],
          externalReferenceNumbers: ['JD-2026-001', 'JOHN-2026-001'],
        },
      },
    ],
    sellToEmail: 'guest@example.com',
    sellToName: 'Jane Doe',
    sellToLanguage: 'ENU',
    paymentReference: 'PAY-987654',
  };
}

/** The document's replaceOrder body, verbatim: no paymentReference. */
function docReplaceBody(): CmOrderRequest {
  const { paymentReference: _omitted, ...body } = docCreateBody();
  return body;
}

/** The document's one wallet, verbatim. */
const DOC_WALLET: CmWallet = {
  seqNo: 1,
  assets: [
    {
      id: '2c3a84c7-059f-41d3-8033-0d94e08d4b13',
      type: 'ticket',
      assetId: '3d4b95d8-16e0-42e4-9b2a-1d95f08d5c14',
      referenceNumber: 'ATF-BIL010665L-3',
      itemNumber: '31001',
    },
  ],
  walletId: '5a1c2b3d-4e5f-6071-8293-a4b5c6d7e8f9',
  walletReferenceNumber: '141234529930210327',
  externalReferenceNumber: 'JD-2026-001',
  name: 'Jane Doe',
  issuedAt: '2026-05-15T09:30:05Z',
  unitPriceExclVat: 80,
  unitPriceInclVat: 100,
  currencyCode: 'DKK',
  manifestUrl: 'https://manifests.npretail.app/wallets/9c6b2f4e/manifest.pdf',
};

/** The document's listOrdersByPartner answer, verbatim. */
const DOC_SUMMARY: CmOrderSummary = {
  orderId: '9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8',
  partnerId: '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e',
  sellToOrderReference: 'PARTNER-ORDER-2026-00042',
  status: 'Issued',
  receivedAt: '2026-05-15T09:30:00Z',
  sellToEmail: 'guest@example.com',
  sellToName: 'Jane Doe',
  sellToLanguage: 'ENU',
  paymentReference: 'PAY-987654',
  statusMessage: '',
  jobId: 'TM-IMPORT-000123',
  manifestUrl: 'https://manifests.npretail.app/wallets/9c6b2f4e/manifest.pdf',
};

const ORDER_KEYS = [
  'orderId',
  'status',
  'statusMessage',
  'partnerId',
  'sellToOrderReference',
  'receivedAt',
  'items',
  'sellToEmail',
  'sellToName',
  'sellToLanguage',
  'paymentReference',
  'jobId',
  'manifestUrl',
];
const SUMMARY_KEYS = Object.keys(DOC_SUMMARY);
const LINE_KEYS = [
  'lineNo',
  'itemNumber',
  'isPackage',
  'quantity',
  'visitDate',
  'visitTime',
  'wallets',
  'sellToName',
  'sellToEmail',
  'sellToLanguage',
];

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
  /** null sends no key header. */
  key?: string | null;
}

/** Calls `<baseUrl>/channelManager<path>`. */
async function send(
  sandbox: ChannelManagerSandbox,
  method: string,
  path: string,
  options: SendOptions = {},
): Promise<Reply> {
  return sendTo(`${sandbox.baseUrl}/channelManager${path}`, method, options);
}

async function sendTo(url: string, method: string, options: SendOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? API_KEY : options.key;
  if (key !== null) headers[CM_API_KEY_HEADER] = key;
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

function asOrder(reply: Reply): CmOrder {
  return reply.body as CmOrder;
}

function asError(reply: Reply): CmErrorBody['error'] {
  return (reply.body as CmErrorBody).error;
}

function fields(reply: Reply): string[] {
  return (asError(reply).details ?? []).map((detail) => detail.field);
}

function ticketReferences(order: CmOrder): string[] {
  return order.items.flatMap((item) => item.wallets.flatMap((w) => w.assets.map((a) => a.referenceNumber)));
}

function walletReferences(order: CmOrder): string[] {
  return order.items.flatMap((item) => item.wallets.map((w) => w.walletReferenceNumber));
}

/** A valid order for the real clock: tomorrow-ish, inside 31001's hours, unique reference unless given. */
function futureBody(overrides: Partial<CmOrderRequest> = {}): CmOrderRequest {
  return {
    partnerId: 'partner-a',
    sellToOrderReference: `REF-${randomUUID().slice(0, 8)}`,
    items: [
      {
        itemNumber: '31001',
        visitDate: FUTURE_DATE,
        visitTime: '10:00:00',
        quantity: 2,
        wallet: { names: ['Ann', 'Bob'], externalReferenceNumbers: ['EXT-1', 'EXT-2'] },
      },
    ],
    sellToEmail: 'buyer@example.com',
    sellToName: 'Ann',
    sellToLanguage: 'DAN',
    ...overrides,
  };
}

async function startUnseeded(now?: () => Date): Promise<ChannelManagerSandbox> {
  return startChannelManagerSandbox({ apiKey: API_KEY, seed: false, now });
}

describe('NaviPartner sandbox: the document replayed at 2026-05-15T09:30:00Z', () => {
  let sandbox: ChannelManagerSandbox;
  before(async () => {
    sandbox = await startUnseeded(() => new Date('2026-05-15T09:30:00Z'));
  });
  after(() => sandbox.close());

  let created: CmOrder;

  it('issues the createOrder example synchronously: one wallet per holder, prices, tickets, manifest, job', async () => {
    const reply = await send(sandbox, 'POST', '', { body: docCreateBody() });
    assert.equal(reply.status, 201);
    created = asOrder(reply);
    assert.deepEqual(Object.keys(created), ORDER_KEYS);
    assert.match(created.orderId, UUID);
    assert.equal(created.status, 'Issued');
    assert.equal(created.statusMessage, '');
    assert.equal(created.partnerId, '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e');
    assert.equal(created.sellToOrderReference, 'PARTNER-ORDER-2026-00042');
    assert.equal(created.receivedAt, '2026-05-15T09:30:00Z');
    assert.equal(created.sellToEmail, 'guest@example.com');
    assert.equal(created.sellToName, 'Jane Doe');
    assert.equal(created.sellToLanguage, 'ENU');
    assert.equal(created.paymentReference, 'PAY-987654');
    assert.match(created.jobId ?? '', /^TM-IMPORT-\d{6}$/);
    assert.notEqual(created.jobId, 'TM-IMPORT-000123');
    assert.equal(created.manifestUrl, `${sandbox.origin}/manifests/orders/${created.orderId}/manifest.pdf`);

    assert.equal(created.items.length, 1);
    const [item] = created.items;
    assert.ok(item);
    const { wallets, ...line } = item;
    assert.deepEqual(line, {
      lineNo: 10000,
      itemNumber: '31001',
      isPackage: false,
      quantity: 2,
      visitDate: '2026-06-01',
      visitTime: '10:30:00',
      sellToName: 'Jane Doe',
      sellToEmail: 'guest@example.com',
      sellToLanguage: 'ENU',
    });
    assert.deepEqual(Object.keys(item), LINE_KEYS);
    assert.equal(wallets.length, 2);
    wallets.forEach((wallet, index) => {
      assert.deepEqual(Object.keys(wallet), Object.keys(DOC_WALLET));
      assert.equal(wallet.seqNo, index + 1);
      assert.match(wallet.walletId, UUID);
      assert.match(wallet.walletReferenceNumber, /^\d{18}$/);
      assert.equal(wallet.name, ['Jane Doe', 'John Doe'][index]);
      assert.equal(wallet.externalReferenceNumber, ['JD-2026-001', 'JOHN-2026-001'][index]);
      assert.equal(wallet.issuedAt, '2026-05-15T09:30:00Z');
      assert.equal(wallet.unitPriceExclVat, 80);
      assert.equal(wallet.unitPriceInclVat, 100);
      assert.equal(wallet.currencyCode, 'DKK');
      assert.equal(wallet.manifestUrl, `${sandbox.origin}/manifests/wallets/${wallet.walletId}/manifest.pdf`);
      assert.equal(wallet.assets.length, 1);
      const [asset] = wallet.assets;
      assert.ok(asset);
      assert.deepEqual(Object.keys(asset), ['id', 'type', 'assetId', 'referenceNumber', 'itemNumber']);
      assert.match(asset.id, UUID);
      assert.match(asset.assetId, UUID);
      assert.equal(asset.type, 'ticket');
      assert.equal(asset.itemNumber, '31001');
      assert.match(asset.referenceNumber, /^ATF-BIL\d{6}L-\d+$/);
    });
    assert.equal(new Set(walletReferences(created)).size, 2);
    assert.equal(new Set(ticketReferences(created)).size, 2);
    assert.equal(new Set(wallets.map((w) => w.walletId)).size, 2);
    assert.ok(!walletReferences(created).includes('141234529930210327'), 'never the seeded wallet reference');
    assert.ok(!ticketReferences(created).includes('ATF-BIL010665L-3'), 'never the seeded ticket reference');
  });

  it('getOrder answers the same final state', async () => {
    const reply = await send(sandbox, 'GET', `/${created.orderId}`);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, created);
  });

  it('confirmOrder on the Issued order is a no-op (even with another paymentReference)', async () => {
    const reply = await send(sandbox, 'POST', `/${created.orderId}/confirm`, {
      body: { paymentReference: 'PAY-987654' },
    });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, created);
    const again = await send(sandbox, 'POST', `/${created.orderId}/confirm`, {
      body: { paymentReference: 'OTHER' },
    });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, created);
  });

  it('lists the order with the example query (status=Issued, May window) as a compact summary', async () => {
    const query = new URLSearchParams({
      status: 'Issued',
      receivedAtFrom: '2026-05-01T00:00:00Z',
      receivedAtTo: '2026-05-31T23:59:59Z',
    });
    const reply = await send(
      sandbox,
      'GET',
      `/orders/21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e?${query.toString()}`,
    );
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, [
      {
        ...DOC_SUMMARY,
        orderId: created.orderId,
        jobId: created.jobId,
        manifestUrl: created.manifestUrl,
      },
    ]);
    assert.deepEqual(Object.keys((reply.body as CmOrderSummary[])[0] ?? {}), SUMMARY_KEYS);
  });

  it('replays the replace example: an Error order carrying PAY-987654, replaced without paymentReference, ends Issued', async () => {
    const broken = docCreateBody();
    broken.sellToOrderReference = 'PARTNER-ORDER-2026-00043';
    const firstItem = broken.items[0];
    assert.ok(firstItem);
    firstItem.visitTime = '18:00:00';
    const failed = await send(sandbox, 'POST', '', { body: broken });
    assert.equal(failed.status, 422);
    const orderId = asError(failed).orderId ?? '';

    const replaceBody = { ...docReplaceBody(), sellToOrderReference: 'PARTNER-ORDER-2026-00043' };
    assert.equal('paymentReference' in replaceBody, false);
    const reply = await send(sandbox, 'PUT', `/${orderId}`, { body: replaceBody });
    assert.equal(reply.status, 200);
    const order = asOrder(reply);
    assert.equal(order.status, 'Issued');
    assert.equal(order.paymentReference, 'PAY-987654');
    assert.equal(order.receivedAt, '2026-05-15T09:30:00Z');
    assert.equal(order.items[0]?.visitTime, '10:30:00');
    assert.deepEqual(
      order.items[0]?.wallets.map((w) => [w.name, w.externalReferenceNumber]),
      [
        ['Jane Doe', 'JD-2026-001'],
        ['John Doe', 'JOHN-2026-001'],
      ],
    );
  });

  it('replays the DELETE example: the Issued order survives as Cancelled with its wallets torn down', async () => {
    const reply = await send(sandbox, 'DELETE', `/${created.orderId}`);
    assert.equal(reply.status, 200);
    const order = asOrder(reply);
    assert.equal(order.status, 'Cancelled');
    assert.equal(order.orderId, created.orderId);
    assert.equal(order.paymentReference, 'PAY-987654');
    assert.equal(order.items.length, 1);
    assert.equal(order.items[0]?.lineNo, 10000);
    assert.deepEqual(order.items[0]?.wallets, []);
    assert.equal(order.manifestUrl, undefined);
  });

  it('accepts a visit today by the sandbox clock and rejects yesterday', async () => {
    const body = (visitDate: string, ref: string): CmOrderRequest => ({
      ...docCreateBody(),
      sellToOrderReference: ref,
      items: [{ itemNumber: '31001', visitDate, visitTime: '10:30:00', quantity: 1 }],
    });
    const today = await send(sandbox, 'POST', '', { body: body('2026-05-15', 'TODAY') });
    assert.equal(today.status, 201);
    assert.equal(asOrder(today).status, 'Issued');
    const yesterday = await send(sandbox, 'POST', '', { body: body('2026-05-14', 'YESTERDAY') });
    assert.equal(yesterday.status, 422);
    assert.equal(
      asError(yesterday).message,
      'Line 10000: visitDate 2026-05-14 of item 31001 is in the past (today is 2026-05-15)',
    );
  });
});

describe('NaviPartner sandbox: createOrder and confirmOrder', () => {
  let sandbox: ChannelManagerSandbox;
  before(async () => {
    sandbox = await startUnseeded();
  });
  after(() => sandbox.close());

  it('rests in Draft without paymentReference, then confirm issues it, and a second confirm changes nothing', async () => {
    const reply = await send(sandbox, 'POST', '', { body: futureBody() });
    assert.equal(reply.status, 201);
    const draft = asOrder(reply);
    assert.equal(draft.status, 'Draft');
    assert.equal(draft.statusMessage, '');
    assert.equal('paymentReference' in draft, false);
    assert.equal('jobId' in draft, false);
    assert.equal('manifestUrl' in draft, false);
    assert.deepEqual(draft.items[0]?.wallets, []);
    assert.equal(draft.items[0]?.quantity, 2);

    const confirmed = await send(sandbox, 'POST', `/${draft.orderId}/confirm`, {
      body: { paymentReference: 'PAY-1' },
    });
    assert.equal(confirmed.status, 200);
    const issued = asOrder(confirmed);
    assert.equal(issued.status, 'Issued');
    assert.equal(issued.paymentReference, 'PAY-1');
    assert.equal(issued.receivedAt, draft.receivedAt);
    assert.match(issued.jobId ?? '', /^TM-IMPORT-\d{6}$/);
    assert.deepEqual(
      issued.items[0]?.wallets.map((w) => [w.seqNo, w.name, w.externalReferenceNumber]),
      [
        [1, 'Ann', 'EXT-1'],
        [2, 'Bob', 'EXT-2'],
      ],
    );

    const again = await send(sandbox, 'POST', `/${draft.orderId}/confirm`, {
      body: { paymentReference: 'PAY-2' },
    });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, issued);
    assert.deepEqual((await send(sandbox, 'GET', `/${draft.orderId}`)).body, issued);
  });

  it('answers receivedAt without milliseconds', async () => {
    const order = asOrder(await send(sandbox, 'POST', '', { body: futureBody() }));
    assert.match(order.receivedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('rejects a confirm body without paymentReference, after the 404 check', async () => {
    const draft = asOrder(await send(sandbox, 'POST', '', { body: futureBody() }));
    const bad = await send(sandbox, 'POST', `/${draft.orderId}/confirm`, { body: { paymentReference: '' } });
    assert.equal(bad.status, 400);
    assert.equal(asError(bad).code, 'VALIDATION');
    assert.deepEqual(fields(bad), ['paymentReference']);
    const missing = await send(sandbox, 'POST', `/${randomUUID()}/confirm`, { body: {} });
    assert.equal(missing.status, 404);
    assert.equal(asError(missing).code, 'NOT_FOUND');
  });

  it('a confirm whose issuance fails leaves the order in Error and answers 422; a later confirm is 409', async () => {
    const body = futureBody();
    const firstItem = body.items[0];
    assert.ok(firstItem);
    firstItem.visitTime = '08:59:59';
    const draft = asOrder(await send(sandbox, 'POST', '', { body }));
    assert.equal(draft.status, 'Draft');
    const reply = await send(sandbox, 'POST', `/${draft.orderId}/confirm`, {
      body: { paymentReference: 'PAY-X' },
    });
    assert.equal(reply.status, 422);
    assert.equal(asError(reply).code, 'ISSUANCE_FAILED');
    assert.equal(asError(reply).orderId, draft.orderId);
    const stored = asOrder(await send(sandbox, 'GET', `/${draft.orderId}`));
    assert.equal(stored.status, 'Error');
    assert.equal(stored.paymentReference, 'PAY-X');
    assert.equal(stored.statusMessage, asError(reply).message);

    const again = await send(sandbox, 'POST', `/${draft.orderId}/confirm`, {
      body: { paymentReference: 'PAY-X' },
    });
    assert.equal(again.status, 409);
    assert.equal(asError(again).code, 'INVALID_STATE');
    assert.equal(asError(again).status, 'Error');
  });

  it('refuses a second order with the same partnerId + sellToOrderReference, naming the existing order', async () => {
    const body = futureBody({ paymentReference: 'PAY-D' });
    const first = asOrder(await send(sandbox, 'POST', '', { body }));
    const dup = await send(sandbox, 'POST', '', { body: { ...body, paymentReference: 'PAY-E' } });
    assert.equal(dup.status, 409);
    assert.equal(asError(dup).code, 'DUPLICATE_ORDER');
    assert.equal(asError(dup).orderId, first.orderId);
    const draftDup = await send(sandbox, 'POST', '', {
      body: futureBody({ sellToOrderReference: body.sellToOrderReference }),
    });
    assert.equal(draftDup.status, 409);

    const otherPartner = await send(sandbox, 'POST', '', { body: { ...body, partnerId: 'partner-b' } });
    assert.equal(otherPartner.status, 201);
    assert.notEqual(asOrder(otherPartner).orderId, first.orderId);
  });

  it('forgets one partner’s orders for a harness, Issued ones included, and nobody else’s', async () => {
    const issued = asOrder(
      await send(sandbox, 'POST', '', {
        body: futureBody({ partnerId: 'partner-forget', paymentReference: 'PAY-F' }),
      }),
    );
    const draft = asOrder(
      await send(sandbox, 'POST', '', { body: futureBody({ partnerId: 'partner-forget' }) }),
    );
    const kept = asOrder(
      await send(sandbox, 'POST', '', { body: futureBody({ partnerId: 'partner-kept' }) }),
    );
    assert.equal(issued.status, 'Issued');
    assert.equal(sandbox.forgetPartnerOrders('partner-forget'), 2);
    for (const order of [issued, draft]) {
      assert.equal((await send(sandbox, 'GET', `/${order.orderId}`)).status, 404);
    }
    assert.equal((await send(sandbox, 'GET', `/${kept.orderId}`)).status, 200);
    assert.deepEqual((await send(sandbox, 'GET', '/orders/partner-forget')).body, []);
    // Its references are free again.
    const again = await send(sandbox, 'POST', '', {
      body: futureBody({ partnerId: 'partner-forget', sellToOrderReference: issued.sellToOrderReference }),
    });
    assert.equal(again.status, 201);
    assert.equal(sandbox.forgetPartnerOrders('partner-nobody'), 0);
  });

  it('numbers lines 10000, 20000, … and prices each from the catalogue', async () => {
    const reply = await send(sandbox, 'POST', '', {
      body: futureBody({
        paymentReference: 'PAY-L',
        items: [
          { itemNumber: '31001', visitDate: FUTURE_DATE, visitTime: '09:00:00', quantity: 1 },
          { itemNumber: '31002', visitDate: FUTURE_DATE, visitTime: '21:59:59', quantity: 3 },
        ],
      }),
    });
    assert.equal(reply.status, 201);
    const order = asOrder(reply);
    assert.deepEqual(
      order.items.map((i) => [i.lineNo, i.itemNumber, i.quantity, i.wallets.length]),
      [
        [10000, '31001', 1, 1],
        [20000, '31002', 3, 3],
      ],
    );
    const evening = order.items[1]?.wallets[0];
    assert.ok(evening);
    assert.deepEqual(
      [evening.unitPriceExclVat, evening.unitPriceInclVat, evening.currencyCode],
      [120, 150, 'DKK'],
    );
    assert.equal('name' in evening, false, 'no holder names given, none invented');
    assert.equal('externalReferenceNumber' in evening, false);
    assert.deepEqual(
      order.items[1]?.wallets.map((w) => w.seqNo),
      [1, 2, 3],
    );
    assert.equal(new Set(ticketReferences(order)).size, 4);
    assert.equal(new Set(walletReferences(order)).size, 4);
  });

  it('accepts any non-empty partnerId, not only UUIDs', async () => {
    const reply = await send(sandbox, 'POST', '', { body: futureBody({ partnerId: 'acme' }) });
    assert.equal(reply.status, 201);
    assert.equal(asOrder(reply).partnerId, 'acme');
  });

  describe('issuance failures: 422, the order kept as Error', () => {
    async function expectFailure(body: CmOrderRequest, message: string): Promise<void> {
      const reply = await send(sandbox, 'POST', '', { body });
      assert.equal(reply.status, 422);
      const error = asError(reply);
      assert.equal(error.code, 'ISSUANCE_FAILED');
      assert.match(error.orderId ?? '', UUID);
      assert.equal(error.message, message);
      const stored = await send(sandbox, 'GET', `/${error.orderId}`);
      assert.equal(stored.status, 200);
      const order = asOrder(stored);
      assert.equal(order.status, 'Error');
      assert.equal(order.statusMessage, message);
      assert.equal(order.paymentReference, body.paymentReference);
      assert.equal('jobId' in order, false);
      assert.equal('manifestUrl' in order, false);
      assert.ok(order.items.every((item) => item.wallets.length === 0));
    }

    it('visitTime outside the schedule', async () => {
      const body = futureBody({ paymentReference: 'PAY-F' });
      const firstItem = body.items[0];
      assert.ok(firstItem);
      firstItem.visitTime = '18:00:00';
      await expectFailure(
        body,
        'Line 10000: visitTime 18:00:00 is outside the bookable hours 09:00:00-17:00:00 of item 31001',
      );
    });

    it('visitTime at the closing time (exclusive)', async () => {
      const body = futureBody({ paymentReference: 'PAY-F' });
      const firstItem = body.items[0];
      assert.ok(firstItem);
      firstItem.visitTime = '17:00:00';
      await expectFailure(
        body,
        'Line 10000: visitTime 17:00:00 is outside the bookable hours 09:00:00-17:00:00 of item 31001',
      );
    });

    it('visitDate in the past', async () => {
      const body = futureBody({ paymentReference: 'PAY-F' });
      const firstItem = body.items[0];
      assert.ok(firstItem);
      firstItem.visitDate = PAST_DATE;
      const today = new Date().toISOString().slice(0, 10);
      await expectFailure(
        body,
        `Line 10000: visitDate ${PAST_DATE} of item 31001 is in the past (today is ${today})`,
      );
    });

    it('unknown item number (not a validation error), naming the second line', async () => {
      const body = futureBody({
        paymentReference: 'PAY-F',
        items: [
          { itemNumber: '31001', visitDate: FUTURE_DATE, visitTime: '10:00:00', quantity: 1 },
          { itemNumber: '99999', visitDate: FUTURE_DATE, visitTime: '10:00:00', quantity: 1 },
        ],
      });
      await expectFailure(body, 'Line 20000: item 99999 does not exist');
    });

    it('a Draft with an unknown item is accepted as Draft (issuance runs at confirm)', async () => {
      const body = futureBody({
        items: [{ itemNumber: '99999', visitDate: FUTURE_DATE, visitTime: '10:00:00', quantity: 1 }],
      });
      const reply = await send(sandbox, 'POST', '', { body });
      assert.equal(reply.status, 201);
      assert.equal(asOrder(reply).status, 'Draft');
    });
  });
});

describe('NaviPartner sandbox: request validation', () => {
  let sandbox: ChannelManagerSandbox;
  before(async () => {
    sandbox = await startUnseeded();
  });
  after(() => sandbox.close());

  it('names every problem of a bad body under its JSON path', async () => {
    const reply = await send(sandbox, 'POST', '', {
      body: {
        partnerId: '',
        sellToOrderReference: 'R'.repeat(51),
        items: [
          {
            itemNumber: '',
            visitDate: '2026-02-30',
            visitTime: '24:00:00',
            quantity: 1.5,
            wallet: { names: 'Ann', externalReferenceNumbers: [1] },
          },
          'not an item',
          {
            itemNumber: '31001',
            visitDate: '2026/06/01',
            visitTime: '10:00',
            quantity: 2,
            wallet: { names: ['Ann', ''], externalReferenceNumbers: ['only-one'] },
          },
          { itemNumber: '31001', visitDate: FUTURE_DATE, visitTime: '10:00:00', quantity: 0 },
          { itemNumber: '31001', visitDate: FUTURE_DATE, visitTime: '10:00:00', quantity: 101, wallet: [] },
        ],
        sellToEmail: 'not-an-email',
        sellToName: 5,
        sellToLanguage: 'en',
        paymentReference: '',
      },
    });
    assert.equal(reply.status, 400);
    const error = asError(reply);
    assert.equal(error.code, 'VALIDATION');
    assert.deepEqual(fields(reply), [
      'partnerId',
      'sellToOrderReference',
      'items[0].itemNumber',
      'items[0].visitDate',
      'items[0].visitTime',
      'items[0].quantity',
      'items[0].wallet.names',
      'items[0].wallet.externalReferenceNumbers[0]',
      'items[1]',
      'items[2].visitDate',
      'items[2].visitTime',
      'items[2].wallet.names[1]',
      'items[2].wallet.externalReferenceNumbers',
      'items[3].quantity',
      'items[4].quantity',
      'items[4].wallet',
      'sellToEmail',
      'sellToName',
      'sellToLanguage',
      'paymentReference',
    ]);
    assert.ok(
      error.message.startsWith('Invalid request: partnerId must be a non-empty string'),
      error.message,
    );
    assert.ok(error.message.includes('19 more problems'), error.message);
    assert.ok((error.details ?? []).every((d) => d.message.length > 0));
  });

  it('requires partnerId, sellToOrderReference and a non-empty items array', async () => {
    const reply = await send(sandbox, 'POST', '', { body: {} });
    assert.equal(reply.status, 400);
    assert.deepEqual(fields(reply), ['partnerId', 'sellToOrderReference', 'items']);
    const empty = await send(sandbox, 'POST', '', { body: futureBody({ items: [] }) });
    assert.deepEqual(fields(empty), ['items']);
    const firstItem = futureBody().items[0];
    assert.ok(firstItem);
    const tooMany = await send(sandbox, 'POST', '', {
      body: futureBody({ items: Array.from({ length: 51 }, () => firstItem) }),
    });
    assert.equal(tooMany.status, 400);
    assert.deepEqual(fields(tooMany), ['items']);
  });

  it('requires wallet names and external references to have exactly quantity entries', async () => {
    const reply = await send(sandbox, 'POST', '', {
      body: futureBody({
        items: [
          {
            itemNumber: '31001',
            visitDate: FUTURE_DATE,
            visitTime: '10:00:00',
            quantity: 3,
            wallet: { names: ['Ann', 'Bob'], externalReferenceNumbers: ['A', 'B', 'C', 'D'] },
          },
        ],
      }),
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(fields(reply), ['items[0].wallet.names', 'items[0].wallet.externalReferenceNumbers']);
  });

  it('limits partnerId to 100 characters and accepts the edges', async () => {
    const ok = await send(sandbox, 'POST', '', {
      body: futureBody({ partnerId: 'p'.repeat(100), sellToOrderReference: 'R'.repeat(50) }),
    });
    assert.equal(ok.status, 201);
    const long = await send(sandbox, 'POST', '', { body: futureBody({ partnerId: 'p'.repeat(101) }) });
    assert.deepEqual(fields(long), ['partnerId']);
  });

  it('answers 400 on malformed JSON, a JSON array, and a missing body', async () => {
    for (const raw of ['{"partnerId": ', '[]', '']) {
      const reply = await send(sandbox, 'POST', '', { raw });
      assert.equal(reply.status, 400, raw);
      assert.equal(asError(reply).code, 'VALIDATION');
      assert.deepEqual(fields(reply), ['body']);
      assert.ok(!reply.text.includes('at '), 'no stack trace');
    }
    const draft = asOrder(await send(sandbox, 'POST', '', { body: futureBody() }));
    const confirm = await send(sandbox, 'POST', `/${draft.orderId}/confirm`, { raw: '{oops' });
    assert.equal(confirm.status, 400);
    assert.deepEqual(fields(confirm), ['body']);
  });
});

describe('NaviPartner sandbox: replaceOrder', () => {
  let sandbox: ChannelManagerSandbox;
  before(async () => {
    sandbox = await startUnseeded();
  });
  after(() => sandbox.close());

  async function createError(): Promise<{ orderId: string; body: CmOrderRequest }> {
    const body = futureBody({ paymentReference: 'PAY-R' });
    const firstItem = body.items[0];
    assert.ok(firstItem);
    firstItem.visitTime = '20:00:00';
    const reply = await send(sandbox, 'POST', '', { body });
    assert.equal(reply.status, 422);
    return { orderId: asError(reply).orderId ?? '', body };
  }

  it('fixes an Error order: header and items replaced, fresh wallets, receivedAt unchanged', async () => {
    const issuedElsewhere = asOrder(
      await send(sandbox, 'POST', '', { body: futureBody({ paymentReference: 'P' }) }),
    );
    const { orderId, body } = await createError();
    const before = asOrder(await send(sandbox, 'GET', `/${orderId}`));

    const reply = await send(sandbox, 'PUT', `/${orderId}`, {
      body: {
        partnerId: body.partnerId,
        sellToOrderReference: body.sellToOrderReference,
        items: [
          {
            itemNumber: '31002',
            visitDate: FUTURE_DATE,
            visitTime: '19:00:00',
            quantity: 1,
            wallet: { names: ['Cleo'] },
          },
        ],
        sellToName: 'Cleo',
      },
    });
    assert.equal(reply.status, 200);
    const order = asOrder(reply);
    assert.equal(order.status, 'Issued');
    assert.equal(order.statusMessage, '');
    assert.equal(order.orderId, orderId);
    assert.equal(order.receivedAt, before.receivedAt);
    assert.equal(order.paymentReference, 'PAY-R', 'kept when the body omits it');
    assert.equal(order.sellToName, 'Cleo');
    assert.equal('sellToEmail' in order, false, 'header fields are replaced, not merged');
    assert.equal('sellToLanguage' in order, false);
    assert.equal(order.items.length, 1);
    const [item] = order.items;
    assert.ok(item);
    assert.deepEqual([item.lineNo, item.itemNumber, item.sellToName], [10000, '31002', 'Cleo']);
    assert.equal('sellToEmail' in item, false);
    assert.equal(item.wallets.length, 1);
    assert.equal(item.wallets[0]?.name, 'Cleo');
    for (const reference of ticketReferences(order)) {
      assert.ok(!ticketReferences(issuedElsewhere).includes(reference));
    }
    assert.deepEqual((await send(sandbox, 'GET', `/${orderId}`)).body, order);
  });

  it('uses the paymentReference of the body when given', async () => {
    const { orderId, body } = await createError();
    const firstItem = body.items[0];
    assert.ok(firstItem);
    firstItem.visitTime = '11:00:00';
    const reply = await send(sandbox, 'PUT', `/${orderId}`, {
      body: { ...body, paymentReference: 'PAY-NEW' },
    });
    assert.equal(reply.status, 200);
    assert.equal(asOrder(reply).paymentReference, 'PAY-NEW');
    assert.equal(asOrder(reply).status, 'Issued');
  });

  it('a Draft replaced without paymentReference stays Draft with the new lines; with one it is issued', async () => {
    const body = futureBody();
    const draft = asOrder(await send(sandbox, 'POST', '', { body }));
    const newItems = [
      { itemNumber: '31003', visitDate: FUTURE_DATE, visitTime: '12:00:00', quantity: 1 },
      { itemNumber: '31001', visitDate: FUTURE_DATE, visitTime: '12:00:00', quantity: 1 },
    ];
    const replaced = await send(sandbox, 'PUT', `/${draft.orderId}`, { body: { ...body, items: newItems } });
    assert.equal(replaced.status, 200);
    assert.equal(asOrder(replaced).status, 'Draft');
    assert.deepEqual(
      asOrder(replaced).items.map((i) => [i.lineNo, i.itemNumber, i.wallets.length]),
      [
        [10000, '31003', 0],
        [20000, '31001', 0],
      ],
    );
    const issued = await send(sandbox, 'PUT', `/${draft.orderId}`, {
      body: { ...body, items: newItems, paymentReference: 'PAY-Q' },
    });
    assert.equal(issued.status, 200);
    assert.equal(asOrder(issued).status, 'Issued');
    assert.equal(asOrder(issued).items[0]?.wallets[0]?.unitPriceInclVat, 250);
  });

  it('a replacement that still cannot be issued answers 422 and keeps the order as Error with the new reason', async () => {
    const { orderId, body } = await createError();
    const reply = await send(sandbox, 'PUT', `/${orderId}`, {
      body: {
        ...body,
        items: [{ itemNumber: '404', visitDate: FUTURE_DATE, visitTime: '10:00:00', quantity: 1 }],
      },
    });
    assert.equal(reply.status, 422);
    assert.equal(asError(reply).orderId, orderId);
    const order = asOrder(await send(sandbox, 'GET', `/${orderId}`));
    assert.equal(order.status, 'Error');
    assert.equal(order.statusMessage, 'Line 10000: item 404 does not exist');
    assert.equal(order.items[0]?.itemNumber, '404');
  });

  it('refuses to change partnerId or sellToOrderReference, naming the field', async () => {
    const { orderId, body } = await createError();
    const partner = await send(sandbox, 'PUT', `/${orderId}`, {
      body: { ...body, partnerId: 'someone-else' },
    });
    assert.equal(partner.status, 400);
    assert.equal(asError(partner).code, 'VALIDATION');
    assert.deepEqual(asError(partner).details, [{ field: 'partnerId', message: 'is immutable' }]);
    const reference = await send(sandbox, 'PUT', `/${orderId}`, {
      body: { ...body, sellToOrderReference: 'X' },
    });
    assert.equal(reference.status, 400);
    assert.deepEqual(asError(reference).details, [
      { field: 'sellToOrderReference', message: 'is immutable' },
    ]);
    assert.equal(asOrder(await send(sandbox, 'GET', `/${orderId}`)).status, 'Error', 'untouched');
  });

  it('refuses Issued and Cancelled orders with 409 INVALID_STATE and their status', async () => {
    const body = futureBody({ paymentReference: 'PAY-I' });
    const issued = asOrder(await send(sandbox, 'POST', '', { body }));
    const onIssued = await send(sandbox, 'PUT', `/${issued.orderId}`, { body });
    assert.equal(onIssued.status, 409);
    assert.equal(asError(onIssued).code, 'INVALID_STATE');
    assert.equal(asError(onIssued).status, 'Issued');
    assert.deepEqual((await send(sandbox, 'GET', `/${issued.orderId}`)).body, issued, 'untouched');

    await send(sandbox, 'DELETE', `/${issued.orderId}`);
    const onCancelled = await send(sandbox, 'PUT', `/${issued.orderId}`, { body });
    assert.equal(onCancelled.status, 409);
    assert.equal(asError(onCancelled).status, 'Cancelled');
  });

  it('answers 404 for an unknown order and 400 for a bad body', async () => {
    const missing = await send(sandbox, 'PUT', `/${randomUUID()}`, { body: futureBody() });
    assert.equal(missing.status, 404);
    const { orderId } = await createError();
    const bad = await send(sandbox, 'PUT', `/${orderId}`, { body: { items: [] } });
    assert.equal(bad.status, 400);
    assert.deepEqual(fields(bad), ['partnerId', 'sellToOrderReference', 'items']);
  });
});

describe('NaviPartner sandbox: DELETE', () => {
  let sandbox: ChannelManagerSandbox;
  before(async () => {
    sandbox = await startUnseeded();
  });
  after(() => sandbox.close());

  it('cancels an Issued order: wallets and tickets torn down, lines kept; a second DELETE changes nothing', async () => {
    const body = futureBody({ paymentReference: 'PAY-C' });
    const issued = asOrder(await send(sandbox, 'POST', '', { body }));
    const walletManifest = issued.items[0]?.wallets[0]?.manifestUrl ?? '';
    assert.equal((await sendTo(walletManifest, 'GET')).status, 200);

    const reply = await send(sandbox, 'DELETE', `/${issued.orderId}`);
    assert.equal(reply.status, 200);
    const cancelled = asOrder(reply);
    assert.equal(cancelled.status, 'Cancelled');
    assert.equal(cancelled.statusMessage, '');
    assert.equal(cancelled.jobId, issued.jobId);
    assert.equal('manifestUrl' in cancelled, false);
    assert.deepEqual(
      cancelled.items.map((i) => [i.lineNo, i.quantity, i.wallets]),
      [[10000, 2, []]],
    );
    assert.deepEqual((await send(sandbox, 'GET', `/${issued.orderId}`)).body, cancelled);
    assert.equal((await sendTo(walletManifest, 'GET')).status, 404);
    assert.equal((await sendTo(issued.manifestUrl ?? '', 'GET')).status, 404);

    const again = await send(sandbox, 'DELETE', `/${issued.orderId}`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, cancelled);

    const confirm = await send(sandbox, 'POST', `/${issued.orderId}/confirm`, {
      body: { paymentReference: 'P' },
    });
    assert.equal(confirm.status, 409);
    assert.equal(asError(confirm).status, 'Cancelled');

    const reuse = await send(sandbox, 'POST', '', { body });
    assert.equal(reuse.status, 409, 'a Cancelled order keeps its reference');
    assert.equal(asError(reuse).orderId, issued.orderId);

    const next = asOrder(
      await send(sandbox, 'POST', '', { body: futureBody({ paymentReference: 'PAY-N' }) }),
    );
    for (const reference of ticketReferences(next)) assert.ok(!ticketReferences(issued).includes(reference));
    for (const reference of walletReferences(next)) assert.ok(!walletReferences(issued).includes(reference));
  });

  it('removes a Draft outright: 204 without a body, then 404, and its reference is free again', async () => {
    const body = futureBody();
    const draft = asOrder(await send(sandbox, 'POST', '', { body }));
    const reply = await send(sandbox, 'DELETE', `/${draft.orderId}`);
    assert.equal(reply.status, 204);
    assert.equal(reply.text, '');
    const gone = await send(sandbox, 'GET', `/${draft.orderId}`);
    assert.equal(gone.status, 404);
    assert.equal(asError(gone).code, 'NOT_FOUND');
    assert.equal((await send(sandbox, 'DELETE', `/${draft.orderId}`)).status, 404);
    const listed = await send(
      sandbox,
      'GET',
      `/orders/${body.partnerId}?sellToOrderReference=${body.sellToOrderReference}`,
    );
    assert.deepEqual(listed.body, []);

    const again = await send(sandbox, 'POST', '', { body });
    assert.equal(again.status, 201);
    assert.notEqual(asOrder(again).orderId, draft.orderId);
  });

  it('removes an Error order outright', async () => {
    const body = futureBody({
      paymentReference: 'PAY-E',
      items: [{ itemNumber: 'nope', visitDate: FUTURE_DATE, visitTime: '10:00:00', quantity: 1 }],
    });
    const failed = await send(sandbox, 'POST', '', { body });
    const orderId = asError(failed).orderId ?? '';
    assert.equal((await send(sandbox, 'DELETE', `/${orderId}`)).status, 204);
    assert.equal((await send(sandbox, 'GET', `/${orderId}`)).status, 404);
  });

  it('answers 404 for an unknown order', async () => {
    const reply = await send(sandbox, 'DELETE', `/${randomUUID()}`);
    assert.equal(reply.status, 404);
    assert.equal(asError(reply).code, 'NOT_FOUND');
  });
});

describe('NaviPartner sandbox: listOrdersByPartner', () => {
  let sandbox: ChannelManagerSandbox;
  let clock = new Date('2026-05-10T00:00:00Z');
  const ids: Record<string, string> = {};
  const partner = 'list-partner';

  async function createAt(at: string, name: string, body: CmOrderRequest): Promise<Reply> {
    clock = new Date(at);
    const reply = await send(sandbox, 'POST', '', { body });
    const id = reply.status === 201 ? asOrder(reply).orderId : asError(reply).orderId;
    ids[name] = id ?? '';
    return reply;
  }

  const line = { itemNumber: '31001', visitDate: '2026-06-01', visitTime: '10:00:00', quantity: 1 };

  before(async () => {
    sandbox = await startUnseeded(() => clock);
    await createAt('2026-05-31T23:59:59Z', 'c', {
      partnerId: partner,
      sellToOrderReference: 'C',
      items: [{ ...line, visitTime: '23:00:00' }],
      paymentReference: 'PAY-C',
    });
    await createAt('2026-05-10T00:00:00Z', 'a', {
      partnerId: partner,
      sellToOrderReference: 'A',
      items: [line],
      paymentReference: 'PAY-A',
      sellToEmail: 'a@example.com',
    });
    await createAt('2026-05-20T12:00:00Z', 'b', {
      partnerId: partner,
      sellToOrderReference: 'B',
      items: [line],
    });
    await createAt('2026-05-20T12:00:00Z', 'b2', {
      partnerId: partner,
      sellToOrderReference: 'B2',
      items: [line],
    });
    await createAt('2026-05-20T12:00:00Z', 'other', {
      partnerId: 'other',
      sellToOrderReference: 'A',
      items: [line],
    });
  });
  after(() => sandbox.close());

  async function list(query: Record<string, string> = {}, who = partner): Promise<Reply> {
    const search = new URLSearchParams(query).toString();
    return send(sandbox, 'GET', `/orders/${encodeURIComponent(who)}${search ? `?${search}` : ''}`);
  }

  function names(reply: Reply): string[] {
    assert.equal(reply.status, 200, reply.text);
    const byId = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
    return (reply.body as CmOrderSummary[]).map((summary) => byId[summary.orderId] ?? '?');
  }

  it('answers compact summaries of the partner only, sorted by receivedAt then orderId', async () => {
    const reply = await list();
    const summaries = reply.body as CmOrderSummary[];
    const bs = [ids.b ?? '', ids.b2 ?? ''].sort();
    assert.deepEqual(
      summaries.map((s) => s.orderId),
      [ids.a, ...bs, ids.c],
    );
    const [a, b, , c] = summaries;
    assert.ok(a && b && c);
    assert.deepEqual(Object.keys(a), [
      'orderId',
      'partnerId',
      'sellToOrderReference',
      'status',
      'receivedAt',
      'sellToEmail',
      'paymentReference',
      'statusMessage',
      'jobId',
      'manifestUrl',
    ]);
    assert.equal('items' in a, false);
    assert.deepEqual(
      { ...a, jobId: undefined },
      {
        orderId: ids.a,
        partnerId: partner,
        sellToOrderReference: 'A',
        status: 'Issued',
        receivedAt: '2026-05-10T00:00:00Z',
        sellToEmail: 'a@example.com',
        paymentReference: 'PAY-A',
        statusMessage: '',
        jobId: undefined,
        manifestUrl: `${sandbox.origin}/manifests/orders/${ids.a}/manifest.pdf`,
      },
    );
    assert.deepEqual(b, {
      orderId: b.orderId,
      partnerId: partner,
      sellToOrderReference: b.sellToOrderReference,
      status: 'Draft',
      receivedAt: '2026-05-20T12:00:00Z',
      statusMessage: '',
    });
    assert.equal(c.status, 'Error');
    assert.match(c.statusMessage, /^Line 10000: visitTime 23:00:00 is outside/);
  });

  it('filters by status', async () => {
    assert.deepEqual(names(await list({ status: 'Issued' })), ['a']);
    assert.deepEqual(names(await list({ status: 'Error' })), ['c']);
    assert.deepEqual(names(await list({ status: 'Cancelled' })), []);
  });

  it('filters by sellToOrderReference', async () => {
    assert.deepEqual(names(await list({ sellToOrderReference: 'B' })), ['b']);
    assert.deepEqual(names(await list({ sellToOrderReference: 'A' }, 'other')), ['other']);
  });

  it('filters by a receivedAt window inclusive at both ends', async () => {
    const all = names(
      await list({ receivedAtFrom: '2026-05-10T00:00:00Z', receivedAtTo: '2026-05-31T23:59:59Z' }),
    );
    assert.equal(all.length, 4);
    assert.deepEqual(names(await list({ receivedAtFrom: '2026-05-10T00:00:01Z' })).sort(), ['b', 'b2', 'c']);
    assert.deepEqual(names(await list({ receivedAtTo: '2026-05-31T23:59:58Z' })).sort(), ['a', 'b', 'b2']);
    assert.deepEqual(
      names(
        await list({ receivedAtFrom: '2026-05-20T14:00:00+02:00', receivedAtTo: '2026-05-20T12:00:00.000Z' }),
      ).sort(),
      ['b', 'b2'],
    );
  });

  it('combines filters', async () => {
    assert.deepEqual(names(await list({ status: 'Draft', sellToOrderReference: 'B2' })), ['b2']);
    assert.deepEqual(names(await list({ status: 'Issued', receivedAtFrom: '2026-05-11T00:00:00Z' })), []);
  });

  it('answers [] for an unknown partner', async () => {
    assert.deepEqual((await list({}, 'nobody')).body, []);
  });

  it('rejects a bad status or date-time with 400 naming the parameter', async () => {
    const status = await list({ status: 'issued' });
    assert.equal(status.status, 400);
    assert.equal(asError(status).code, 'VALIDATION');
    assert.deepEqual(fields(status), ['status']);
    const dates = await list({ receivedAtFrom: '2026-05-01', receivedAtTo: 'tomorrow' });
    assert.deepEqual(fields(dates), ['receivedAtFrom', 'receivedAtTo']);
    const reversed = await list({
      receivedAtFrom: '2026-05-31T00:00:00Z',
      receivedAtTo: '2026-05-01T00:00:00Z',
    });
    assert.deepEqual(fields(reversed), ['receivedAtTo']);
    const twice = await send(sandbox, 'GET', `/orders/${partner}?status=Draft&status=Issued`);
    assert.deepEqual(fields(twice), ['status']);
  });
});

describe('NaviPartner sandbox: authentication and routing', () => {
  let sandbox: ChannelManagerSandbox;
  before(async () => {
    sandbox = await startUnseeded();
  });
  after(() => sandbox.close());

  it('exposes the base URL in the document’s form', () => {
    assert.equal(sandbox.baseUrl, `${sandbox.origin}${DOC_TENANT_PATH}`);
  });

  it('answers 401 without the key or with a wrong one, never echoing it, before reading the body', async () => {
    const missing = await send(sandbox, 'POST', '', { body: futureBody(), key: null });
    assert.equal(missing.status, 401);
    assert.equal(asError(missing).code, 'UNAUTHORIZED');
    const wrongKey = `${API_KEY}-wrong`;
    const wrong = await send(sandbox, 'GET', `/orders/partner-a`, { key: wrongKey });
    assert.equal(wrong.status, 401);
    assert.equal(asError(wrong).code, 'UNAUTHORIZED');
    assert.ok(!wrong.text.includes(wrongKey) && !wrong.text.includes(API_KEY));
    const short = await send(sandbox, 'GET', `/orders/partner-a`, { key: 'x' });
    assert.equal(short.status, 401);
    const malformed = await send(sandbox, 'POST', '', { raw: '{', key: 'x' });
    assert.equal(malformed.status, 401);
    assert.equal(
      (await send(sandbox, 'POST', `/${randomUUID()}/confirm`, { body: {}, key: null })).status,
      401,
    );
    assert.equal((await send(sandbox, 'PUT', `/${randomUUID()}`, { body: {}, key: null })).status, 401);
    assert.equal((await send(sandbox, 'DELETE', `/${randomUUID()}`, { key: null })).status, 401);
    assert.equal((await send(sandbox, 'GET', `/${randomUUID()}`, { key: null })).status, 401);
  });

  it('answers 404 NOT_FOUND for another tenant, environment or company', async () => {
    const good = `${sandbox.origin}${DOC_TENANT_PATH}/channelManager/orders/p`;
    assert.equal((await sendTo(good, 'GET')).status, 200);
    for (const url of [
      good.replace('01234567-89ab-cdef-0123-456789abcdef', '11111111-89ab-cdef-0123-456789abcdef'),
      good.replace('/production/', '/sandbox/'),
      good.replace('CRONUS%2520International%2520Ltd.', 'CRONUS%20International%20Ltd.'),
      good.replace('CRONUS%2520International%2520Ltd.', 'Other'),
    ]) {
      const reply = await sendTo(url, 'GET');
      assert.equal(reply.status, 404, url);
      assert.equal(asError(reply).code, 'NOT_FOUND');
    }
  });

  it('answers unknown routes with a JSON 404, never an HTML page', async () => {
    for (const [method, url] of [
      ['GET', `${sandbox.origin}/nope`],
      ['PATCH', `${sandbox.baseUrl}/channelManager/${randomUUID()}`],
      ['GET', `${sandbox.baseUrl}/channelManager/a/b/c`],
    ] as const) {
      const reply = await sendTo(url, method);
      assert.equal(reply.status, 404, url);
      assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(asError(reply).code, 'NOT_FOUND');
    }
  });

  it('honours a configured tenant, environment and company', async () => {
    const custom = await startChannelManagerSandbox({
      apiKey: 'k',
      tenant: 't1',
      environment: 'sandbox',
      company: 'My Company',
      seed: false,
    });
    try {
      assert.equal(custom.baseUrl, `${custom.origin}/t1/sandbox/My%20Company`);
      const reply = await sendTo(`${custom.baseUrl}/channelManager/orders/p`, 'GET', { key: 'k' });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, []);
    } finally {
      await custom.close();
    }
  });

  it('keeps each instance’s state to itself', async () => {
    const other = await startUnseeded();
    try {
      const order = asOrder(await send(sandbox, 'POST', '', { body: futureBody() }));
      assert.equal((await send(other, 'GET', `/${order.orderId}`)).status, 404);
    } finally {
      await other.close();
    }
  });
});

describe('NaviPartner sandbox: manifests', () => {
  let sandbox: ChannelManagerSandbox;
  let order: CmOrder;
  before(async () => {
    sandbox = await startUnseeded();
    order = asOrder(await send(sandbox, 'POST', '', { body: futureBody({ paymentReference: 'PAY-M' }) }));
  });
  after(() => sandbox.close());

  async function fetchPdf(url: string): Promise<string> {
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer()).toString('latin1');
    assert.ok(pdf.startsWith('%PDF-1.'));
    assert.ok(pdf.trimEnd().endsWith('%%EOF'));
    const startxref = /startxref\n(\d+)\n%%EOF/.exec(pdf);
    assert.ok(startxref);
    assert.equal(pdf.slice(Number(startxref[1]), Number(startxref[1]) + 4), 'xref', 'xref offset is exact');
    return pdf;
  }

  it('serves the order manifest without a key, naming the order and every ticket', async () => {
    const pdf = await fetchPdf(order.manifestUrl ?? '');
    assert.ok(pdf.includes(order.orderId));
    for (const reference of ticketReferences(order)) assert.ok(pdf.includes(reference), reference);
  });

  it('serves each wallet manifest, naming the wallet and its ticket', async () => {
    for (const wallet of order.items[0]?.wallets ?? []) {
      const pdf = await fetchPdf(wallet.manifestUrl);
      assert.ok(pdf.includes(wallet.walletId));
      assert.ok(pdf.includes(wallet.assets[0]?.referenceNumber ?? 'missing'));
    }
  });

  it('answers 404 for unknown ids and for orders that were never issued', async () => {
    for (const url of [
      `${sandbox.origin}/manifests/orders/${randomUUID()}/manifest.pdf`,
      `${sandbox.origin}/manifests/wallets/${randomUUID()}/manifest.pdf`,
    ]) {
      const reply = await sendTo(url, 'GET', { key: null });
      assert.equal(reply.status, 404);
      assert.equal(asError(reply).code, 'NOT_FOUND');
    }
    const draft = asOrder(await send(sandbox, 'POST', '', { body: futureBody() }));
    const reply = await sendTo(`${sandbox.origin}/manifests/orders/${draft.orderId}/manifest.pdf`, 'GET');
    assert.equal(reply.status, 404);
  });
});

describe('NaviPartner sandbox: the seeded document example', () => {
  let sandbox: ChannelManagerSandbox;
  before(async () => {
    sandbox = await startChannelManagerSandbox({ apiKey: API_KEY });
  });
  after(() => sandbox.close());

  it('holds the document’s order, Issued, with the document’s wallet first and John Doe’s second', async () => {
    const reply = await send(sandbox, 'GET', `/${SEEDED_ORDER_ID}`);
    assert.equal(reply.status, 200);
    const order = asOrder(reply);
    const item = order.items[0];
    assert.ok(item);
    const [first, second] = item.wallets;
    assert.ok(first && second);
    assert.deepEqual(first, DOC_WALLET);
    assert.match(second.walletId, UUID);
    assert.match(second.walletReferenceNumber, /^\d{18}$/);
    assert.notEqual(second.walletReferenceNumber, DOC_WALLET.walletReferenceNumber);
    assert.deepEqual(
      { ...second, walletId: '', walletReferenceNumber: '', assets: [], manifestUrl: '' },
      {
        seqNo: 2,
        assets: [],
        walletId: '',
        walletReferenceNumber: '',
        externalReferenceNumber: 'JOHN-2026-001',
        name: 'John Doe',
        issuedAt: '2026-05-15T09:30:05Z',
        unitPriceExclVat: 80,
        unitPriceInclVat: 100,
        currencyCode: 'DKK',
        manifestUrl: '',
      },
    );
    assert.equal(second.assets.length, 1);
    assert.notEqual(second.assets[0]?.referenceNumber, 'ATF-BIL010665L-3');
    assert.deepEqual(
      { ...order, items: [{ ...item, wallets: [first] }] },
      {
        orderId: SEEDED_ORDER_ID,
        status: 'Issued',
        statusMessage: '',
        partnerId: SEEDED_PARTNER_ID,
        sellToOrderReference: 'PARTNER-ORDER-2026-00042',
        receivedAt: '2026-05-15T09:30:00Z',
        items: [
          {
            lineNo: 10000,
            itemNumber: '31001',
            isPackage: false,
            quantity: 2,
            visitDate: '2026-06-01',
            visitTime: '10:30:00',
            wallets: [DOC_WALLET],
            sellToName: 'Jane Doe',
            sellToEmail: 'guest@example.com',
            sellToLanguage: 'ENU',
          },
        ],
        sellToEmail: 'guest@example.com',
        sellToName: 'Jane Doe',
        sellToLanguage: 'ENU',
        paymentReference: 'PAY-987654',
        jobId: 'TM-IMPORT-000123',
        manifestUrl: 'https://manifests.npretail.app/wallets/9c6b2f4e/manifest.pdf',
      },
    );
    assert.equal(
      (await fetch(`${sandbox.origin}/manifests/wallets/${DOC_WALLET.walletId}/manifest.pdf`)).status,
      200,
    );
    assert.equal(
      (await fetch(`${sandbox.origin}/manifests/orders/${SEEDED_ORDER_ID}/manifest.pdf`)).status,
      200,
    );
  });

  it('lists it under the seeded partner exactly as the document’s listOrdersByPartner example', async () => {
    const query =
      'status=Issued&receivedAtFrom=2026-05-01T00%3A00%3A00Z&receivedAtTo=2026-05-31T23%3A59%3A59Z';
    const reply = await send(sandbox, 'GET', `/orders/${SEEDED_PARTNER_ID}?${query}`);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, [DOC_SUMMARY]);
  });

  it('refuses the document’s createOrder body as a duplicate of the seeded order', async () => {
    const reply = await send(sandbox, 'POST', '', { body: docCreateBody() });
    assert.equal(reply.status, 409);
    assert.equal(asError(reply).code, 'DUPLICATE_ORDER');
    assert.equal(asError(reply).orderId, SEEDED_ORDER_ID);
  });

  it('continues the job and reference sequences after the seeded values', async () => {
    const seeded = asOrder(await send(sandbox, 'GET', `/${SEEDED_ORDER_ID}`));
    const order = asOrder(
      await send(sandbox, 'POST', '', { body: futureBody({ paymentReference: 'PAY-S' }) }),
    );
    assert.equal(order.jobId, 'TM-IMPORT-000124');
    for (const reference of ticketReferences(order)) assert.ok(!ticketReferences(seeded).includes(reference));
    for (const reference of walletReferences(order)) assert.ok(!walletReferences(seeded).includes(reference));
  });
});

describe('NaviPartner sandbox: catalogue and request counts', () => {
  it('exports the catalogue with 31001 as the document prices it', () => {
    const aquarium = CHANNEL_MANAGER_CATALOGUE.find((item) => item.itemNumber === '31001');
    assert.deepEqual(aquarium && { ...aquarium, description: '' }, {
      itemNumber: '31001',
      description: '',
      opensAt: '09:00:00',
      closesAt: '17:00:00',
      unitPriceExclVat: 80,
      unitPriceInclVat: 100,
      currencyCode: 'DKK',
    });
    assert.ok(Object.isFrozen(CHANNEL_MANAGER_CATALOGUE));
  });

  it('counts requests by route pattern', async () => {
    const sandbox = await startUnseeded();
    try {
      const order = asOrder(await send(sandbox, 'POST', '', { body: futureBody() }));
      await send(sandbox, 'POST', '', { body: futureBody() });
      await send(sandbox, 'GET', `/${order.orderId}`);
      await send(sandbox, 'GET', `/orders/partner-a`);
      await send(sandbox, 'POST', `/${order.orderId}/confirm`, { body: { paymentReference: 'P' } });
      await send(sandbox, 'GET', `/${order.orderId}`, { key: null });
      await sendTo(`${sandbox.origin}/nope`, 'GET');
      assert.deepEqual(sandbox.requestCounts(), {
        'POST /:tenant/:environment/:company/channelManager': 2,
        'GET /:tenant/:environment/:company/channelManager/:orderId': 2,
        'GET /:tenant/:environment/:company/channelManager/orders/:partnerId': 1,
        'POST /:tenant/:environment/:company/channelManager/:orderId/confirm': 1,
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

describe('Channel Manager sandbox persistence', () => {
  it('keeps orders across a restart on the same data file, without seeding twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-sandbox-'));
    const dataFile = join(dir, 'channel-manager.json');
    const headers = { 'content-type': 'application/json', [CM_API_KEY_HEADER]: 'persist-key' };
    const create = (baseUrl: string, paymentReference?: string) =>
      fetch(`${baseUrl}/channelManager`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          partnerId: SEEDED_PARTNER_ID,
          sellToOrderReference: 'PERSIST-1',
          items: [{ itemNumber: '31001', visitDate: '2099-01-01', visitTime: '10:00:00', quantity: 1 }],
          paymentReference,
        }),
      });
    try {
      const first = await startChannelManagerSandbox({ apiKey: 'persist-key', dataFile });
      const created = await create(first.baseUrl, 'PAY-P');
      const order = (await created.json()) as CmOrder;
      await first.close();

      const second = await startChannelManagerSandbox({ apiKey: 'persist-key', dataFile });
      try {
        const again = (await (
          await fetch(`${second.baseUrl}/channelManager/${order.orderId}`, { headers })
        ).json()) as CmOrder;
        assert.equal(again.status, 'Issued');
        // Links point at wherever the sandbox listens now.
        assert.ok(again.manifestUrl?.startsWith(second.origin));
        const listed = (await (
          await fetch(`${second.baseUrl}/channelManager/orders/${SEEDED_PARTNER_ID}`, { headers })
        ).json()) as CmOrderSummary[];
        assert.deepEqual(
          listed.map((summary) => summary.sellToOrderReference),
          ['PARTNER-ORDER-2026-00042', 'PERSIST-1'],
        );
        // The natural key still holds after the restart: the same reference again is the stored order's.
        const duplicate = await create(second.baseUrl);
        assert.equal(duplicate.status, 409);
        const refusal = ((await duplicate.json()) as CmErrorBody).error;
        assert.deepEqual([refusal.code, refusal.orderId], ['DUPLICATE_ORDER', order.orderId]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
