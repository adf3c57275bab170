/**
 * The PartnerPortal sandbox's webhook delivery, as a vendor runs it: each event is POSTed as JSON to the
 * subscriber's URL, signed (`../../events/signature.ts`), and retried with exponential backoff and jitter until a
 * 2xx or `maxAttempts`, after which it goes to a dead-letter list. Deliveries are independent of each other, so one
 * failing event never holds back later ones, and arrival order is not guaranteed.
 *
 * One sender per sandbox instance, living until `close()`. Pending deliveries live in memory only: a sandbox that
 * stops (or restarts on its data file) forgets what it had not delivered yet, though the events stay in its state.
 * Retry timers run on the real clock (so tests finish quickly with small backoffs); signature timestamps and the
 * `at` of the log use the sandbox clock, so a receiver sharing that clock verifies them.
 */
import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { SIGNATURE_HEADER, signatureHeader } from '../../events/signature.js';
import { PP_WEBHOOK_ATTEMPT_HEADER, PP_WEBHOOK_EVENT_ID_HEADER } from './contract.js';
import type { PpWebhookEvent, PpWebhookEventType } from './contract.js';

/** Where and how the sandbox delivers its events. */
export interface PpWebhookTarget {
  /** The subscriber's endpoint, http or https, e.g. `http://127.0.0.1:4000/webhooks/partnerportal`. */
  url: string;
  /** Every active secret; each attempt carries one `v1=` per secret (rotation). At least one, none empty. */
  secrets: readonly string[];
  /** Attempts in all, the first included. Default 8. */
  maxAttempts?: number;
  /** The first retry waits about this long; each later one twice as long as the one before. Default 500. */
  backoffMs?: number;
  /** No retry waits longer than this. Default 60 000. */
  maxBackoffMs?: number;
  /** An attempt without a response in this time counts as failed. Default 5 000. */
  timeoutMs?: number;
}

/**
 * Faults for tests, counted in events so the outcome is deterministic. Setting a field replaces what was left of
 * it; omitted fields stay as they were.
 */
export interface PpWebhookFaults {
  /** Each of the next N events is delivered twice: two deliveries of the same id and the same body. */
  duplicateNext?: number;
  /**
   * false (the default): the second copy starts when the first delivery has ended (a redelivery after a 2xx, as a
   * sender that lost the answer would send). true: both copies start at once, so they race at the receiver.
   */
  concurrentDuplicates?: boolean;
  /**
   * The next N events are held back, then released newest first once the N-th arrives (or on `flush()`). Each
   * released event's first attempt ends before the next one starts, so the receiver sees them exactly reversed.
   */
  reorderNext?: number;
}

/** One attempt of one delivery, in the order the attempts ended. */
export interface PpWebhookAttempt {
  /** Sequence of the delivery within this sender (a duplicated event has two). */
  deliveryId: number;
  eventId: string;
  type: PpWebhookEventType;
  /** 1 for the first attempt; also sent as `X-PartnerPortal-Delivery-Attempt`. */
  attempt: number;
  /** Sandbox clock when the attempt was sent (ISO 8601); the signature's `t` is this, in whole seconds. */
  at: string;
  /** `performance.now()` when the attempt was sent: real elapsed time between attempts, whatever the sandbox clock. */
  sentMs: number;
  /** The subscriber's HTTP status, when it answered. */
  status?: number;
  /** `timeout`, or the connection error's code (`ECONNREFUSED`, `ECONNRESET`, …), when it did not. */
  error?: string;
  /** What the sender did next. */
  outcome: 'delivered' | 'retry' | 'dead';
}

/** A delivery given up after `maxAttempts`. */
export interface PpWebhookDeadLetter {
  deliveryId: number;
  event: PpWebhookEvent;
  attempts: number;
  /** The last attempt's status or error. */
  lastStatus?: number;
  lastError?: string;
  /** Sandbox clock when it was given up. */
  at: string;
}

export interface PpWebhookSender {
  /** Replaces the target; attempts from now on (retries of pending deliveries included) use it. */
  configure(target: PpWebhookTarget): void;
  /** Queues one event for delivery; returns at once. Ignored after `close()`. */
  send(event: PpWebhookEvent): void;
  setFaults(faults: PpWebhookFaults): void;
  /** Every attempt so far, oldest first (at most the last 10 000). */
  deliveries(): PpWebhookAttempt[];
  deadLetters(): PpWebhookDeadLetter[];
  /** Releases held (reordered) events, then resolves once no delivery is in flight or waiting for a retry. */
  flush(): Promise<void>;
  /** Stops every timer and aborts attempts in flight; pending deliveries are dropped. */
  close(): void;
}

export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 8;
export const DEFAULT_WEBHOOK_BACKOFF_MS = 500;
export const DEFAULT_WEBHOOK_MAX_BACKOFF_MS = 60_000;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
export const WEBHOOK_USER_AGENT = 'PartnerPortal-Webhooks/1 (sandbox)';

const MAX_LOG = 10_000;

interface Settings {
  url: URL;
  secrets: string[];
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
}

/** One event as sent: its bytes are fixed once, so every attempt and every copy signs the same body. */
interface Unit {
  event: PpWebhookEvent;
  body: Buffer;
  copies: 1 | 2;
  concurrent: boolean;
}

interface Delivery {
  id: number;
  unit: Unit;
  attempts: number;
  timer: NodeJS.Timeout | undefined;
  request: ClientRequest | undefined;
  /** Called once, when the first attempt has ended (how reordered batches keep their order on the wire). */
  afterFirstAttempt: (() => void) | undefined;
  /** Called once, when the delivery is over (delivered, dead or dropped). */
  afterEnd: (() => void) | undefined;
}

type AttemptResult = { status: number } | { error: string };

export function createWebhookSender(options: {
  target: PpWebhookTarget;
  /** The sandbox clock. */
  now: () => Date;
  /** For the jitter; Math.random unless a test pins it. */
  random?: () => number;
}): PpWebhookSender {
  const { now } = options;
  const random = options.random ?? Math.random;
  let settings = checkTarget(options.target);
  let closed = false;
  let nextDeliveryId = 1;
  let duplicateLeft = 0;
  let concurrentDuplicates = false;
  let reorderLeft = 0;
  let held: Unit[] = [];
  /** Deliveries not yet over, plus copies and held events not yet started: flush() waits for zero. */
  let outstanding = 0;
  let idleWaiters: (() => void)[] = [];
  const live = new Set<Delivery>();
  const log: PpWebhookAttempt[] = [];
  const dead: PpWebhookDeadLetter[] = [];

  function settle(count: number): void {
    outstanding -= count;
    if (outstanding > 0) return;
    outstanding = 0;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Starts a unit's deliveries; `afterFirstAttempt` fires when the first copy's first attempt has ended. */
  function dispatch(unit: Unit, afterFirstAttempt?: () => void): void {
    if (unit.copies === 1) {
      start(unit, afterFirstAttempt);
    } else if (unit.concurrent) {
      start(unit, afterFirstAttempt);
      start(unit);
    } else {
      start(unit, afterFirstAttempt, () => {
        if (!closed) start(unit);
      });
    }
  }

  function start(unit: Unit, afterFirstAttempt?: () => void, afterEnd?: () => void): void {
    const delivery: Delivery = {
      id: nextDeliveryId,
      unit,
      attempts: 0,
      timer: undefined,
      request: undefined,
      afterFirstAttempt,
      afterEnd,
    };
    nextDeliveryId += 1;
    live.add(delivery);
    run(delivery);
  }

  /** A timer or a fresh delivery has no caller to throw to: whatever escapes an attempt ends its delivery. */
  function run(delivery: Delivery): void {
    attempt(delivery).catch((error: unknown) => {
      if (closed || !live.has(delivery)) return;
      dead.push({
        deliveryId: delivery.id,
        event: structuredClone(delivery.unit.event),
        attempts: delivery.attempts,
        lastError: error instanceof Error ? error.message : String(error),
        at: now().toISOString(),
      });
      end(delivery);
    });
  }

  async function attempt(delivery: Delivery): Promise<void> {
    delivery.timer = undefined;
    delivery.attempts += 1;
    const { event, body } = delivery.unit;
    const current = settings;
    const sentAt = now();
    const sentMs = performance.now();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'user-agent': WEBHOOK_USER_AGENT,
      [SIGNATURE_HEADER]: signatureHeader(body, current.secrets, Math.floor(sentAt.getTime() / 1000)),
      [PP_WEBHOOK_EVENT_ID_HEADER]: event.id,
      [PP_WEBHOOK_ATTEMPT_HEADER]: String(delivery.attempts),
    };
    const result = await post(current, headers, body, (request) => {
      delivery.request = request;
    });
    delivery.request = undefined;
    if (closed) return;

    const delivered = 'status' in result && result.status >= 200 && result.status < 300;
    const exhausted = delivery.attempts >= current.maxAttempts;
    const outcome = delivered ? 'delivered' : exhausted ? 'dead' : 'retry';
    record({
      deliveryId: delivery.id,
      eventId: event.id,
      type: event.type,
      attempt: delivery.attempts,
      at: sentAt.toISOString(),
      sentMs,
      ...result,
      outcome,
    });
    const first = delivery.afterFirstAttempt;
    delivery.afterFirstAttempt = undefined;
    first?.();

    if (outcome === 'retry') {
      delivery.timer = setTimeout(() => run(delivery), backoff(current, delivery.attempts, random));
      return;
    }
    if (outcome === 'dead') {
      dead.push({
        deliveryId: delivery.id,
        event: structuredClone(event),
        attempts: delivery.attempts,
        ...('status' in result ? { lastStatus: result.status } : { lastError: result.error }),
        at: now().toISOString(),
      });
    }
    end(delivery);
  }

  function end(delivery: Delivery): void {
    live.delete(delivery);
    const next = delivery.afterEnd;
    delivery.afterEnd = undefined;
    next?.();
    settle(1);
  }

  function record(entry: PpWebhookAttempt): void {
    log.push(entry);
    if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG);
  }

  /** Newest first, each one's first attempt after the previous one's has ended. */
  function release(): void {
    const batch = held.reverse();
    held = [];
    const startAt = (index: number): void => {
      const unit = batch[index];
      if (unit === undefined || closed) return;
      dispatch(unit, () => startAt(index + 1));
    };
    startAt(0);
  }

  return {
    configure(target) {
      settings = checkTarget(target);
    },
    send(event) {
      if (closed) return;
      const copies = duplicateLeft > 0 ? 2 : 1;
      if (copies === 2) duplicateLeft -= 1;
      const unit: Unit = {
        event: structuredClone(event),
        body: Buffer.from(JSON.stringify(event), 'utf8'),
        copies,
        concurrent: concurrentDuplicates,
      };
      outstanding += copies;
      if (reorderLeft > 0) {
        held.push(unit);
        reorderLeft -= 1;
        if (reorderLeft === 0) release();
        return;
      }
      dispatch(unit);
    },
    setFaults(faults) {
      if (faults.duplicateNext !== undefined)
        duplicateLeft = checkCount('duplicateNext', faults.duplicateNext);
      if (faults.concurrentDuplicates !== undefined) concurrentDuplicates = faults.concurrentDuplicates;
      if (faults.reorderNext !== undefined) {
        reorderLeft = checkCount('reorderNext', faults.reorderNext);
        // A batch cut short (reorderNext: 0) goes out now rather than waiting for a flush.
        if (reorderLeft === 0 && held.length > 0) release();
      }
    },
    deliveries: () => log.map((entry) => ({ ...entry })),
    deadLetters: () => dead.map((letter) => ({ ...letter, event: structuredClone(letter.event) })),
    flush() {
      if (held.length > 0) {
        reorderLeft = 0;
        release();
      }
      if (outstanding === 0 || closed) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    close() {
      if (closed) return;
      closed = true;
      held = [];
      for (const delivery of live) {
        if (delivery.timer) clearTimeout(delivery.timer);
        delivery.request?.destroy();
      }
      live.clear();
      settle(outstanding);
    },
  };
}

/**
 * One POST. Resolves (never rejects) with the status once the response head arrives, or with the error; the
 * response body is read and thrown away. No redirects are followed: a 3xx is a failed attempt, as at Stripe.
 * `agent: false`: no pooled keep-alive sockets outlive the attempt.
 */
function post(
  settings: Settings,
  headers: Record<string, string>,
  body: Buffer,
  onRequest: (request: ClientRequest) => void,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const send = settings.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      settings.url,
      { method: 'POST', headers, agent: false },
      (response: IncomingMessage) => {
        response.resume();
        response.on('error', () => {});
        finish({ status: response.statusCode ?? 0 });
      },
    );
    const timer = setTimeout(() => {
      finish({ error: 'timeout' });
      request.destroy();
    }, settings.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }));
    onRequest(request);
    request.end(body);
  });
}

/**
 * Exponential, capped, with "equal jitter": between half and all of `base × 2^(n-1)`, so retries of many events
 * that failed together spread out, yet each wait has a floor a test can check.
 */
function backoff(settings: Settings, failedAttempts: number, random: () => number): number {
  const full = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** (failedAttempts - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

/** A misconfigured target fails where it is configured, not on the first event. */
function checkTarget(target: PpWebhookTarget): Settings {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    throw new TypeError(`webhooks.url is not a URL: ${target.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('webhooks.url must be http or https');
  }
  if (target.secrets.length === 0 || target.secrets.some((secret) => secret === '')) {
    throw new TypeError('webhooks.secrets must hold at least one non-empty secret');
  }
  const positive = (name: string, value: number, integer: boolean): number => {
    if (!Number.isFinite(value) || value < (integer ? 1 : 0) || (integer && !Number.isInteger(value))) {
      throw new TypeError(
        `webhooks.${name} must be a ${integer ? 'positive integer' : 'non-negative number'}`,
      );
    }
    return value;
  };
  return {
    url,
    secrets: [...target.secrets],
    maxAttempts: positive('maxAttempts', target.maxAttempts ?? DEFAULT_WEBHOOK_MAX_ATTEMPTS, true),
    backoffMs: positive('backoffMs', target.backoffMs ?? DEFAULT_WEBHOOK_BACKOFF_MS, false),
    maxBackoffMs: positive('maxBackoffMs', target.maxBackoffMs ?? DEFAULT_WEBHOOK_MAX_BACKOFF_MS, false),
    timeoutMs: positive('timeoutMs', target.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS, true),
  };
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer`);
  return value;
}
