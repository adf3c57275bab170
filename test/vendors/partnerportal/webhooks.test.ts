import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { verifySignature } from '../../../src/events/signature.js';
import {
  PP_WEBHOOK_ATTEMPT_HEADER,
  PP_WEBHOOK_EVENT_ID_HEADER,
} from '../../../src/vendors/partnerportal/contract.js';
import type { PpOrder, PpPartner, PpWebhookEvent } from '../../../src/vendors/partnerportal/contract.js';
import {
  SEEDED_ORDERS,
  SEEDED_PARTNER_ID,
  SEEDED_PRODUCT_IDS,
  startPartnerPortalSandbox,
} from '../../../src/vendors/partnerportal/sandbox.js';
import type {
  PartnerPortalSandbox,
  PartnerPortalSandboxOptions,
  PpWebhookTarget,
} from '../../../src/vendors/partnerportal/sandbox.js';

const API_KEY = `pp-webhook-test-${randomUUID()}`;
const SECRET = `whsec_${randomUUID()}`;
const OLD_SECRET = `whsec_${randomUUID()}`;
const T0 = new Date('2026-06-01T10:00:00Z');
const MINUTE = 60_000;
const EVENT_KEYS = ['id', 'type', 'created_at', 'data'];

// ---------------------------------------------------------------------------------------------------------------
// A tiny subscriber: records every request with its raw bytes and checks the signature the way the gateway will.

/** What the receiver answers one request with: a status, or 'hang' (never answer). */
type Answer = number | 'hang';

interface Receipt {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  event: PpWebhookEvent;
  receivedMs: number;
  /** The gateway's check with [SECRET], made on arrival by the receiver's clock (the sandbox's, when shared). */
  verdict: ReturnType<typeof verifySignature>;
}

interface Receiver {
  url: string;
  receipts: Receipt[];
  /** Most requests open at once. */
  maxOpen(): number;
  close(): Promise<void>;
}

async function startReceiver(
  answer: (receipt: Receipt, index: number) => Answer = () => 204,
  now: () => Date = () => new Date(),
): Promise<Receiver> {
  const receipts: Receipt[] = [];
  const hanging: ServerResponse[] = [];
  let open = 0;
  let maxOpen = 0;
  const server: Server = createServer((req, res) => {
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    res.on('close', () => {
      open -= 1;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const receipt: Receipt = {
        path: req.url ?? '',
        headers: req.headers,
        raw,
        event: JSON.parse(raw.toString('utf8')) as PpWebhookEvent,
        receivedMs: performance.now(),
        verdict: verifySignature({
          header: req.headers['x-partnerportal-signature'] as string | undefined,
          rawBody: raw,
          secrets: [SECRET],
          nowSeconds: now().getTime() / 1000,
        }),
      };
      receipts.push(receipt);
      const reply = answer(receipt, receipts.length - 1);
      if (reply === 'hang') {
        hanging.push(res);
        return;
      }
      // A short pause keeps concurrent copies overlapping at the receiver.
      setTimeout(() => res.writeHead(reply).end(), 5);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/partnerportal`,
    receipts,
    maxOpen: () => maxOpen,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(receipt: Receipt, name: string): string | undefined {
  const value = receipt.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The receiver's check, with the sandbox clock as "now". */
function verdict(receipt: Receipt, secrets: string[], now: Date) {
  return verifySignature({
    header: header(receipt, 'X-PartnerPortal-Signature'),
    rawBody: receipt.raw,
    secrets,
    nowSeconds: now.getTime() / 1000,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Sandbox helpers

interface Clock {
  now: () => Date;
  set(at: Date): void;
  plusMinutes(minutes: number): void;
}

function clockAt(start: Date): Clock {
  let current = start;
  return {
    now: () => current,
    set: (at) => {
      current = at;
    },
    plusMinutes: (minutes) => {
      current = new Date(current.getTime() + minutes * MINUTE);
    },
  };
}

const running: PartnerPortalSandbox[] = [];
const receivers: Receiver[] = [];

async function start(options: Partial<PartnerPortalSandboxOptions>): Promise<PartnerPortalSandbox> {
  const sandbox = await startPartnerPortalSandbox({ apiKey: API_KEY, ...options });
  running.push(sandbox);
  return sandbox;
}

async function receiver(answer?: (receipt: Receipt, index: number) => Answer): Promise<Receiver> {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

function target(url: string, extra: Partial<PpWebhookTarget> = {}): PpWebhookTarget {
  return { url, secrets: [SECRET], backoffMs: 20, timeoutMs: 1000, ...extra };
}

async function call(
  sandbox: PartnerPortalSandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${API_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

async function createPartner(sandbox: PartnerPortalSandbox, externalId: string): Promise<PpPartner> {
  const reply = await call(sandbox, 'POST', '/partners', {
    external_id: externalId,
    name: externalId,
    email: `${externalId.toLowerCase()}@example.com`,
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body as PpPartner;
}

async function createOrder(sandbox: PartnerPortalSandbox, reference: string): Promise<PpOrder> {
  const productId = SEEDED_PRODUCT_IDS['31001'];
  assert.ok(productId);
  const reply = await call(sandbox, 'POST', '/orders', {
    partner_id: SEEDED_PARTNER_ID,
    external_reference: reference,
    lines: [{ product_id: productId, quantity: 2 }],
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body as PpOrder;
}

async function patchOrder(sandbox: PartnerPortalSandbox, id: string, status: string): Promise<number> {
  return (await call(sandbox, 'PATCH', `/orders/${id}`, { status })).status;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.close()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

// ---------------------------------------------------------------------------------------------------------------

describe('PartnerPortal webhooks: what is sent', () => {
  it('delivers every event type once, as the document payload, signed over the exact raw body', async () => {
    const clock = clockAt(T0);
    const hook = await receiver();
    const sandbox = await start({ now: clock.now, webhooks: target(hook.url) });

    const partner = await createPartner(sandbox, 'HOOK-1');
    const patched = await call(sandbox, 'PATCH', `/partners/${partner.id}`, { name: 'Hook One Ltd' });
    assert.equal(patched.status, 200);
    const order = await createOrder(sandbox, 'HOOK-PO-1');
    assert.equal(await patchOrder(sandbox, order.id, 'shipped'), 200);
    await sandbox.flushWebhooks();

    const events = sandbox.events();
    assert.deepEqual(
      events.map((event) => event.type),
      ['partner.updated', 'partner.updated', 'order.created', 'order.updated'],
    );
    // Arrival order is not promised; each event arrives exactly once.
    const received = [...hook.receipts].sort((a, b) => byId(a.event, b.event));
    assert.equal(received.length, 4);
    received.forEach((receipt, index) => {
      const event = events[index];
      assert.ok(event);
      assert.equal(receipt.path, '/webhooks/partnerportal');
      assert.equal(header(receipt, 'content-type'), 'application/json');
      assert.equal(header(receipt, 'content-length'), String(receipt.raw.length));
      assert.equal(receipt.raw.toString('utf8'), JSON.stringify(event));
      assert.deepEqual(Object.keys(receipt.event), EVENT_KEYS);
      assert.deepEqual(receipt.event, event);
      assert.equal(header(receipt, PP_WEBHOOK_EVENT_ID_HEADER), event.id);
      assert.equal(header(receipt, PP_WEBHOOK_ATTEMPT_HEADER), '1');
      assert.match(header(receipt, 'user-agent') ?? '', /^PartnerPortal-Webhooks\//);
      assert.deepEqual(verdict(receipt, [SECRET], clock.now()), { ok: true, timestamp: T0.getTime() / 1000 });
      assert.deepEqual(verdict(receipt, [OLD_SECRET], clock.now()), { ok: false, reason: 'mismatch' });
    });

    // The document's shapes: order events carry order_id and status (the example), plus ours.
    const [created, updatedPartner, orderCreated, orderUpdated] = events;
    assert.deepEqual(created?.data, {
      partner_id: partner.id,
      external_id: 'HOOK-1',
      changed: ['name', 'email'],
    });
    assert.deepEqual(updatedPartner?.data, {
      partner_id: partner.id,
      external_id: 'HOOK-1',
      changed: ['name'],
    });
    assert.deepEqual(orderCreated?.data, {
      order_id: order.id,
      partner_id: SEEDED_PARTNER_ID,
      external_reference: 'HOOK-PO-1',
      status: 'pending',
    });
    assert.deepEqual(orderUpdated?.data, {
      order_id: order.id,
      partner_id: SEEDED_PARTNER_ID,
      external_reference: 'HOOK-PO-1',
      status: 'shipped',
      previous_status: 'pending',
    });
    for (const event of events) {
      assert.match(event.id, /^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
      assert.equal(event.created_at, '2026-06-01T10:00:00Z');
    }

    assert.deepEqual(
      sandbox
        .webhookDeliveries()
        .map((entry) => [entry.eventId, entry.attempt, entry.status, entry.outcome, entry.at])
        .sort(),
      events.map((event) => [event.id, 1, 204, 'delivered', T0.toISOString()]).sort(),
    );
    assert.deepEqual(sandbox.deadLetters(), []);
  });

  it('signs with every configured secret: two secrets give two v1 values, either one verifies', async () => {
    const clock = clockAt(T0);
    const hook = await receiver();
    const sandbox = await start({
      now: clock.now,
      webhooks: target(hook.url, { secrets: [SECRET, OLD_SECRET] }),
    });
    await createPartner(sandbox, 'ROTATE-1');
    await sandbox.flushWebhooks();

    const [receipt] = hook.receipts;
    assert.ok(receipt);
    const signature = header(receipt, 'X-PartnerPortal-Signature') ?? '';
    assert.match(signature, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    const [, first, second] = signature.split(',');
    assert.notEqual(first, second);
    assert.equal(verdict(receipt, [SECRET], clock.now()).ok, true);
    assert.equal(verdict(receipt, [OLD_SECRET], clock.now()).ok, true);
    assert.equal(verdict(receipt, ['whsec_unknown'], clock.now()).ok, false);
  });

  it('sends nothing without the webhooks option, and starts when configured later', async () => {
    const hook = await receiver();
    const sandbox = await start({ now: clockAt(T0).now });
    await createPartner(sandbox, 'QUIET-1');
    await sandbox.flushWebhooks();
    assert.deepEqual(sandbox.webhookDeliveries(), []);
    assert.throws(() => sandbox.setWebhookFaults({ duplicateNext: 1 }), /not configured/);

    sandbox.configureWebhooks(target(hook.url));
    const later = await createPartner(sandbox, 'LOUD-1');
    await sandbox.flushWebhooks();
    assert.deepEqual(
      hook.receipts.map((receipt) => receipt.event.data),
      [{ partner_id: later.id, external_id: 'LOUD-1', changed: ['name', 'email'] }],
    );

    sandbox.configureWebhooks(undefined);
    await createPartner(sandbox, 'QUIET-2');
    await sandbox.flushWebhooks();
    assert.equal(hook.receipts.length, 1);
    assert.equal(sandbox.events().length, 3);
  });

  it('refuses a target it could never deliver to, at start', async () => {
    await assert.rejects(start({ webhooks: { url: 'not a url', secrets: [SECRET] } }), /url/);
    await assert.rejects(start({ webhooks: { url: 'ftp://127.0.0.1/x', secrets: [SECRET] } }), /http/);
    await assert.rejects(start({ webhooks: { url: 'http://127.0.0.1:1/x', secrets: [] } }), /secret/);
    await assert.rejects(
      start({ webhooks: { url: 'http://127.0.0.1:1/x', secrets: [SECRET], maxAttempts: 0 } }),
      /maxAttempts/,
    );
  });
});

describe('PartnerPortal webhooks: retries and dead letters', () => {
  it('retries a 500 with growing backoff, re-signing each attempt, until a 2xx', async () => {
    const clock = clockAt(T0);
    const hook = await receiver((_receipt, index) => (index < 2 ? 500 : 200));
    const sandbox = await start({ now: clock.now, webhooks: target(hook.url, { backoffMs: 40 }) });
    await createPartner(sandbox, 'RETRY-1');
    await sandbox.flushWebhooks();

    const [event] = sandbox.events();
    assert.ok(event);
    assert.deepEqual(
      hook.receipts.map((receipt) => [
        header(receipt, PP_WEBHOOK_EVENT_ID_HEADER),
        header(receipt, PP_WEBHOOK_ATTEMPT_HEADER),
      ]),
      [
        [event.id, '1'],
        [event.id, '2'],
        [event.id, '3'],
      ],
    );
    for (const receipt of hook.receipts) {
      assert.equal(receipt.raw.toString('utf8'), JSON.stringify(event));
      assert.equal(verdict(receipt, [SECRET], clock.now()).ok, true);
    }
    const log = sandbox.webhookDeliveries();
    assert.deepEqual(
      log.map((entry) => [entry.attempt, entry.status, entry.error, entry.outcome]),
      [
        [1, 500, undefined, 'retry'],
        [2, 500, undefined, 'retry'],
        [3, 200, undefined, 'delivered'],
      ],
    );
    assert.equal(new Set(log.map((entry) => entry.deliveryId)).size, 1);
    // Equal jitter: each wait is at least half of 40 ms × 2^(n-1).
    const [a, b, c] = log.map((entry) => entry.sentMs);
    assert.ok(a !== undefined && b !== undefined && c !== undefined);
    assert.ok(b - a >= 20 - 1, `first wait ${b - a} ms`);
    assert.ok(c - b >= 40 - 1, `second wait ${c - b} ms`);
    assert.deepEqual(sandbox.deadLetters(), []);
  });

  it('counts a receiver that does not answer in time as failed, and retries it', async () => {
    const hook = await receiver((_receipt, index) => (index === 0 ? 'hang' : 204));
    const sandbox = await start({ now: clockAt(T0).now, webhooks: target(hook.url, { timeoutMs: 100 }) });
    await createPartner(sandbox, 'SLOW-1');
    await sandbox.flushWebhooks();
    assert.deepEqual(
      sandbox.webhookDeliveries().map((entry) => [entry.attempt, entry.status, entry.error, entry.outcome]),
      [
        [1, undefined, 'timeout', 'retry'],
        [2, 204, undefined, 'delivered'],
      ],
    );
    assert.equal(hook.receipts.length, 2);
  });

  it('gives up after maxAttempts and keeps the event in the dead letters', async () => {
    const clock = clockAt(T0);
    const hook = await receiver(() => 503);
    const sandbox = await start({
      now: clock.now,
      webhooks: target(hook.url, { maxAttempts: 3, backoffMs: 5 }),
    });
    await createPartner(sandbox, 'DEAD-1');
    await sandbox.flushWebhooks();

    assert.equal(hook.receipts.length, 3);
    const [event] = sandbox.events();
    assert.ok(event);
    const [letter, ...others] = sandbox.deadLetters();
    assert.deepEqual(others, []);
    assert.deepEqual(letter && { ...letter, at: '' }, {
      deliveryId: 1,
      event,
      attempts: 3,
      lastStatus: 503,
      at: '',
    });
    assert.deepEqual(
      sandbox.webhookDeliveries().map((entry) => entry.outcome),
      ['retry', 'retry', 'dead'],
    );
  });

  it('treats a refused connection like any failure: retried, then dead-lettered', async () => {
    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    const sandbox = await start({
      now: clockAt(T0).now,
      webhooks: target(url, { maxAttempts: 2, backoffMs: 5 }),
    });
    await createPartner(sandbox, 'REFUSED-1');
    await sandbox.flushWebhooks();
    assert.deepEqual(
      sandbox.webhookDeliveries().map((entry) => [entry.attempt, entry.error, entry.outcome]),
      [
        [1, 'ECONNREFUSED', 'retry'],
        [2, 'ECONNREFUSED', 'dead'],
      ],
    );
    assert.equal(sandbox.deadLetters()[0]?.lastError, 'ECONNREFUSED');
  });

  it('does not hold later events back while one is being retried', async () => {
    let failing: string | undefined;
    const hook = await receiver((receipt) => {
      failing ??= receipt.event.id;
      return receipt.event.id === failing ? 500 : 204;
    });
    const sandbox = await start({
      now: clockAt(T0).now,
      webhooks: target(hook.url, { maxAttempts: 3, backoffMs: 150 }),
    });
    const first = await createPartner(sandbox, 'BLOCK-1');
    await waitFor('the first attempt', () => sandbox.webhookDeliveries().length === 1);
    await createPartner(sandbox, 'BLOCK-2');
    await waitFor('the second event', () => sandbox.webhookDeliveries().length === 2);
    // The second event is delivered while the first still waits for its retry.
    assert.deepEqual(
      sandbox.webhookDeliveries().map((entry) => entry.outcome),
      ['retry', 'delivered'],
    );
    await sandbox.flushWebhooks();
    const [letter] = sandbox.deadLetters();
    assert.equal(letter?.event.type === 'partner.updated' && letter.event.data.partner_id, first.id);
  });

  it('drops pending deliveries on close (they are kept in memory only)', async () => {
    const hook = await receiver(() => 'hang');
    const sandbox = await start({ now: clockAt(T0).now, webhooks: target(hook.url, { timeoutMs: 5000 }) });
    await createPartner(sandbox, 'CLOSE-1');
    await waitFor('the attempt', () => hook.receipts.length === 1);
    const flushed = sandbox.flushWebhooks();
    await sandbox.close();
    await flushed;
    assert.deepEqual(sandbox.webhookDeliveries(), []);
  });
});

describe('PartnerPortal webhooks: duplicates and reordering on request', () => {
  it('duplicates the next N events sequentially: the copy follows the finished first delivery', async () => {
    const clock = clockAt(T0);
    const hook = await receiver();
    const sandbox = await start({ now: clock.now, webhooks: target(hook.url) });
    sandbox.setWebhookFaults({ duplicateNext: 1 });
    await createPartner(sandbox, 'DUP-1');
    await sandbox.flushWebhooks();
    await createPartner(sandbox, 'DUP-2');
    await sandbox.flushWebhooks();

    const [first, second] = sandbox.events();
    assert.ok(first && second);
    assert.deepEqual(
      hook.receipts.map((receipt) => receipt.event.id),
      [first.id, first.id, second.id],
    );
    const [a, b] = hook.receipts;
    assert.ok(a && b);
    assert.deepEqual(a.raw, b.raw);
    assert.equal(verdict(b, [SECRET], clock.now()).ok, true);
    assert.equal(header(b, PP_WEBHOOK_ATTEMPT_HEADER), '1');
    const log = sandbox.webhookDeliveries();
    assert.deepEqual(
      log.map((entry) => [entry.deliveryId, entry.eventId, entry.outcome]),
      [
        [1, first.id, 'delivered'],
        [2, first.id, 'delivered'],
        [3, second.id, 'delivered'],
      ],
    );
    assert.equal(hook.maxOpen(), 1);
  });

  it('duplicates concurrently when asked: both copies are at the receiver at once', async () => {
    const hook = await receiver();
    const sandbox = await start({ now: clockAt(T0).now, webhooks: target(hook.url) });
    sandbox.setWebhookFaults({ duplicateNext: 2, concurrentDuplicates: true });
    await createPartner(sandbox, 'RACE-1');
    await sandbox.flushWebhooks();
    const [event] = sandbox.events();
    assert.deepEqual(
      hook.receipts.map((receipt) => receipt.event.id),
      [event?.id, event?.id],
    );
    assert.equal(hook.maxOpen(), 2);
  });

  it('holds the next N events and releases them newest first', async () => {
    const hook = await receiver();
    const sandbox = await start({ now: clockAt(T0).now, webhooks: target(hook.url) });
    const order = await createOrder(sandbox, 'REORDER-PO-1');
    await sandbox.flushWebhooks();
    sandbox.setWebhookFaults({ reorderNext: 3 });
    for (const status of ['processing', 'shipped', 'delivered']) {
      assert.equal(await patchOrder(sandbox, order.id, status), 200);
    }
    await sandbox.flushWebhooks();
    assert.deepEqual(
      hook.receipts.map((receipt) => receipt.event.type === 'order.updated' && receipt.event.data.status),
      [false, 'delivered', 'shipped', 'processing'],
    );
    // The batch is over: the next event goes out as it happens.
    await createPartner(sandbox, 'AFTER-REORDER');
    await sandbox.flushWebhooks();
    assert.equal(hook.receipts.at(-1)?.event.type, 'partner.updated');
  });

  it('sends nothing of a held batch until it is full, and releases a partial batch on flush', async () => {
    const hook = await receiver();
    const sandbox = await start({ now: clockAt(T0).now, webhooks: target(hook.url) });
    sandbox.setWebhookFaults({ reorderNext: 5 });
    await createPartner(sandbox, 'HOLD-1');
    await createPartner(sandbox, 'HOLD-2');
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(hook.receipts.length, 0);
    await sandbox.flushWebhooks();
    assert.deepEqual(
      hook.receipts.map(
        (receipt) => receipt.event.type === 'partner.updated' && receipt.event.data.external_id,
      ),
      ['HOLD-2', 'HOLD-1'],
    );
  });
});

describe('PartnerPortal webhooks: the warehouse moves orders with the clock', () => {
  let hook: Receiver;
  let sandbox: PartnerPortalSandbox;
  const clock = clockAt(T0);

  before(async () => {
    hook = await startReceiver(undefined, clock.now);
    sandbox = await startPartnerPortalSandbox({
      apiKey: API_KEY,
      now: clock.now,
      webhooks: target(hook.url),
    });
  });
  after(async () => {
    await sandbox.close();
    await hook.close();
  });

  /** order.updated events received for one order, as [previous_status, status, created_at]. */
  function movesOf(orderId: string): [string | undefined, string, string][] {
    return hook.receipts
      .map((receipt) => receipt.event)
      .filter((event) => event.type === 'order.updated' && event.data.order_id === orderId)
      .sort(byId)
      .map((event) => {
        assert.equal(event.type, 'order.updated');
        return [event.data.previous_status, event.data.status, event.created_at];
      });
  }

  it('emits one order.updated per transition, dated when it fell due, and never again', async () => {
    clock.set(T0);
    const order = await createOrder(sandbox, 'WAREHOUSE-1');
    clock.plusMinutes(1);
    assert.deepEqual(await sandbox.advance(), []);
    clock.plusMinutes(1); // 10:02: processing is due
    const [processing, ...none] = await sandbox.advance();
    assert.deepEqual(none, []);
    assert.deepEqual(processing?.data, {
      order_id: order.id,
      partner_id: SEEDED_PARTNER_ID,
      external_reference: 'WAREHOUSE-1',
      status: 'processing',
      previous_status: 'pending',
    });
    assert.deepEqual(await sandbox.advance(), []);
    // Delivered before the clock jumps, so that no attempt signed at 10:02 arrives at 15:00.
    await sandbox.flushWebhooks();
    clock.set(new Date(T0.getTime() + 5 * 60 * MINUTE)); // three hours past delivered: two steps at once
    const moved = await sandbox.advance();
    assert.deepEqual(
      moved.map((event) => event.type === 'order.updated' && event.data.status),
      ['shipped', 'delivered'],
    );
    assert.deepEqual(await sandbox.advance(), []);
    await sandbox.flushWebhooks();

    assert.deepEqual(movesOf(order.id), [
      ['pending', 'processing', '2026-06-01T10:02:00Z'],
      ['processing', 'shipped', '2026-06-01T10:30:00Z'],
      ['shipped', 'delivered', '2026-06-01T12:00:00Z'],
    ]);
    const read = await call(sandbox, 'GET', `/orders/${order.id}`);
    assert.deepEqual(read.body, { ...order, status: 'delivered', updated_at: '2026-06-01T12:00:00Z' });
    // Each was signed when sent, by the sandbox clock, so it verified on arrival.
    for (const receipt of hook.receipts) assert.equal(receipt.verdict.ok, true);
  });

  it('shows a due move to a reader even before the ticker has run', async () => {
    clock.set(T0);
    const order = await createOrder(sandbox, 'WAREHOUSE-READ');
    clock.plusMinutes(3);
    const read = await call(sandbox, 'GET', `/orders/${order.id}`);
    assert.equal((read.body as PpOrder).status, 'processing');
    assert.deepEqual(await sandbox.advance(), []);
    await sandbox.flushWebhooks();
    assert.deepEqual(movesOf(order.id), [['pending', 'processing', '2026-06-01T10:02:00Z']]);
  });

  it('never moves an order backwards, and leaves cancelled and seeded orders alone', async () => {
    clock.set(T0);
    const ahead = await createOrder(sandbox, 'WAREHOUSE-AHEAD');
    const cancelled = await createOrder(sandbox, 'WAREHOUSE-CANCEL');
    clock.plusMinutes(1);
    assert.equal(await patchOrder(sandbox, ahead.id, 'shipped'), 200);
    assert.equal(await patchOrder(sandbox, cancelled.id, 'cancelled'), 200);
    // Other tests' orders move too; only these two are looked at.
    const mine = (events: PpWebhookEvent[]) =>
      events
        .filter(
          (event) => event.type === 'order.updated' && [ahead.id, cancelled.id].includes(event.data.order_id),
        )
        .map((event) => event.type === 'order.updated' && [event.data.order_id, event.data.status]);
    clock.plusMinutes(60);
    assert.deepEqual(mine(await sandbox.advance()), []);
    clock.plusMinutes(60);
    assert.deepEqual(mine(await sandbox.advance()), [[ahead.id, 'delivered']]);
    await sandbox.flushWebhooks();
    assert.deepEqual(movesOf(ahead.id), [
      ['pending', 'shipped', '2026-06-01T10:01:00Z'],
      ['shipped', 'delivered', '2026-06-01T12:00:00Z'],
    ]);
    assert.deepEqual(movesOf(cancelled.id), [['pending', 'cancelled', '2026-06-01T10:01:00Z']]);
    const seeded = await call(sandbox, 'GET', `/orders?ids=${SEEDED_ORDERS.map((o) => o.id).join(',')}`);
    assert.deepEqual(
      (seeded.body as { data: PpOrder[] }).data.map((o) => o.status),
      SEEDED_ORDERS.map((o) => o.status),
    );
  });

  it('moves orders on its own timer, without a request or advance()', async () => {
    const ticking = clockAt(T0);
    const tickHook = await receiver();
    const ticked = await start({ now: ticking.now, webhooks: target(tickHook.url), fulfilmentTickMs: 10 });
    const order = await createOrder(ticked, 'TICK-1');
    ticking.plusMinutes(2);
    await waitFor('the ticker', () => tickHook.receipts.some((r) => r.event.type === 'order.updated'));
    await ticked.flushWebhooks();
    assert.deepEqual(
      tickHook.receipts.map((r) => [r.event.type, r.event.type === 'order.updated' && r.event.data.order_id]),
      [
        ['order.created', false],
        ['order.updated', order.id],
      ],
    );
  });
});
