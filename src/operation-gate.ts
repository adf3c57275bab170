import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { ErrorCode } from './errors/error-code.js';
import type { Metrics } from './metrics.js';

export interface OperationGateOptions {
  /**
   * Slots of the gate (`GATEWAY_MAX_CONCURRENT_OPERATIONS`): operations executed at once, each taking as many
   * slots as its weight; the rest wait their turn in order.
   */
  limit: number;
  /** The longest one waits for its turn before it is answered 503 instead (the operation timeout). */
  maxWaitMs: number;
  /**
   * Vendor calls per slot (`GATEWAY_VENDOR_CALLS_PER_SLOT`): an operation that made 57 calls last time takes
   * ⌈57 / 8⌉ = 8 slots. 0 makes every operation one slot.
   */
  callsPerSlot: number;
  /** The vendor calls a request's operation made, read once it is answered (undefined: it never executed). */
  vendorCallsOf: (req: Request) => number | undefined;
  metrics: Metrics;
}

interface Waiter {
  text: string | undefined;
  admit: (weight: number) => void;
  timer: NodeJS.Timeout;
}

/** Operation texts whose weight the gate remembers, and the characters of text it keeps at most. */
const REMEMBERED_OPERATIONS = 2_000;
const REMEMBERED_TEXT = 4_000_000;
/** How far one answer moves an operation's remembered call count (an exponential moving average). */
const LEARNING_RATE = 0.25;
/**
 * How long past the operation timeout a slot stays with an operation whose client hung up and that has not
 * answered: a bound for a slot whose answer never comes, not a time any operation should need.
 */
const ORPHAN_GRACE_MS = 100;
/** An operation not answered yet may be anything: it weighs this share of the gate until its first answer. */
const UNSEEN_SHARE = 1 / 8;

/**
 * Bounds the GraphQL work in progress. Past the point where the CPU is busy, admitting more operations only adds
 * their half-built answers and pending vendor calls to the heap (and the garbage collector's work) and spreads
 * the same throughput over more waiting clients; a request that waits here holds only its parsed body.
 *
 * Operations are not equal: a partner dashboard makes ~57 vendor calls, a single order one. Each operation text
 * (and operation name) is weighed by the vendor calls it made the last times it ran, one slot per `callsPerSlot`
 * calls, at least one (an operation heavier than the whole gate runs alone). A text not answered yet may be anything
 * and weighs an eighth of the gate, so a burst of new heavy operations cannot all start at once. So
 * the same setting lets 64 single orders run at once but 8 dashboards: measured, the dashboards' throughput is
 * unchanged or better and the peak memory lower, and the orders keep all their concurrency.
 *
 * First come, first served (a light operation does not overtake a heavy one waiting for room); a client that
 * hangs up while waiting is dropped from the line, one that hangs up while its operation runs leaves the slot
 * taken until the operation answers (at most the operation timeout); one that waits longer than `maxWaitMs` is
 * answered HTTP 503 `RATE_LIMITED` with `Retry-After`, before any vendor is called. Subscriptions (graphql-ws)
 * are not gated: they are long-lived and each event's work is small.
 */
export function operationGate({
  limit,
  maxWaitMs,
  callsPerSlot,
  vendorCallsOf,
  metrics,
}: OperationGateOptions): RequestHandler {
  let running = 0;
  let slotsInUse = 0;
  const waiting: Waiter[] = [];
  // Vendor calls per operation text, as learned from its answers.
  const learned = new LRUCache<string, number>({
    max: REMEMBERED_OPERATIONS,
    maxSize: REMEMBERED_TEXT,
    sizeCalculation: (_calls, text) => text.length || 1,
  });
  const gauges = (): void => {
    metrics.operationsRunning.set(running);
    metrics.operationSlotsInUse.set(slotsInUse);
    metrics.operationsWaiting.set(waiting.length);
  };
  const unseenWeight = Math.max(1, Math.ceil(limit * UNSEEN_SHARE));
  // Weighed when its turn comes: what the gate knows of the operation by then.
  const weightOf = (text: string | undefined): number => {
    // A request without an operation is refused by Apollo before anything runs.
    if (!callsPerSlot || text === undefined) return 1;
    const calls = learned.get(text);
    if (calls === undefined) return unseenWeight;
    return Math.min(limit, Math.max(1, Math.ceil(calls / callsPerSlot)));
  };
  const fits = (weight: number): boolean => slotsInUse === 0 || slotsInUse + weight <= limit;
  const admitWaiting = (): void => {
    while (waiting.length > 0) {
      const weight = weightOf(waiting[0]!.text);
      if (!fits(weight)) break;
      const turn = waiting.shift()!;
      clearTimeout(turn.timer);
      turn.admit(weight);
    }
    gauges();
  };

  const start = (
    req: Request,
    res: Response,
    next: NextFunction,
    text: string | undefined,
    weight: number,
  ) => {
    running += 1;
    slotsInUse += weight;
    gauges();
    const startedAt = Date.now();
    let done = false;
    let orphaned: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(orphaned);
      running -= 1;
      slotsInUse -= weight;
      const calls = text === undefined ? undefined : vendorCallsOf(req);
      if (text !== undefined && calls !== undefined) {
        const before = learned.get(text);
        learned.set(text, before === undefined ? calls : before + LEARNING_RATE * (calls - before));
      }
      admitWaiting();
    };
    // The slot is the operation's until it has answered (`res.end`), even when its client hung up first: the
    // operation goes on running after a hang-up, and freeing its slot then would start another beside it, so
    // clients that time out and retry under load would pile up work past the gate.
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      try {
        return end(...args);
      } finally {
        finish();
      }
    }) as Response['end'];
    res.once('close', () => {
      if (done) return;
      // Past the operation timeout its vendor calls have stopped; whatever still holds the answer back, the slot
      // comes back then.
      orphaned = setTimeout(finish, Math.max(0, startedAt + maxWaitMs - Date.now()) + ORPHAN_GRACE_MS);
      orphaned.unref();
    });
    next();
  };

  return (req: Request, res: Response, next: NextFunction) => {
    const text = operationText(req);
    const weight = weightOf(text);
    if (waiting.length === 0 && fits(weight)) {
      start(req, res, next, text, weight);
      return;
    }
    const waiter: Waiter = {
      text,
      admit: (admitted) => start(req, res, next, text, admitted),
      timer: setTimeout(() => {
        leave();
        metrics.operationsShed.inc();
        res.setHeader('retry-after', '1');
        res.status(503).json({
          errors: [
            {
              message: `The gateway is at capacity (${running} operations running on its ${limit} slots, more waiting for over ${maxWaitMs} ms): retry in a second.`,
              extensions: { code: ErrorCode.RATE_LIMITED },
            },
          ],
        });
      }, maxWaitMs),
    };
    const leave = (): void => {
      const at = waiting.indexOf(waiter);
      if (at >= 0) waiting.splice(at, 1);
      clearTimeout(waiter.timer);
      // The one that left may have been the heavy one holding the line.
      admitWaiting();
    };
    // A client gone before its turn gives its place up.
    res.once('close', () => {
      if (waiting.includes(waiter)) leave();
    });
    waiting.push(waiter);
    gauges();
  };
}

/**
 * What identifies a request's operation: its operation name and document (a POST body or GET parameters), or its
 * persisted query's hash; undefined for a request that carries none (Apollo answers it 400).
 */
function operationText(req: Request): string | undefined {
  const params = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
  if (!params || typeof params !== 'object') return undefined;
  const name = typeof params.operationName === 'string' ? params.operationName : '';
  if (typeof params.query === 'string') return `${name}\n${params.query}`;
  const extensions = params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined;
  const hash = extensions?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? `${name}\n#${hash}` : undefined;
}
