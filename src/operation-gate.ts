import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorCode } from './errors/error-code.js';
import type { Metrics } from './metrics.js';

export interface OperationGateOptions {
  /** Operations executed at once (`GATEWAY_MAX_CONCURRENT_OPERATIONS`); the rest wait their turn in order. */
  limit: number;
  /** The longest one waits for its turn before it is answered 503 instead (the operation timeout). */
  maxWaitMs: number;
  metrics: Metrics;
}

interface Waiter {
  res: Response;
  admit: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Bounds the GraphQL operations in progress. Past the point where the CPU is busy, admitting more operations
 * only adds their half-built answers and vendor bodies to the heap (and the garbage collector's work) and
 * spreads the same throughput over more waiting clients; a request that waits here holds only its parsed body.
 * First come, first served; a client that hangs up while waiting is dropped from the line; one that waits longer
 * than `maxWaitMs` is answered HTTP 503 `RATE_LIMITED` with `Retry-After`, before any vendor is called.
 * Subscriptions (graphql-ws) are not gated: they are long-lived and each event's work is small.
 */
export function operationGate({ limit, maxWaitMs, metrics }: OperationGateOptions): RequestHandler {
  let running = 0;
  const waiting: Waiter[] = [];
  const gauges = (): void => {
    metrics.operationsRunning.set(running);
    metrics.operationsWaiting.set(waiting.length);
  };

  const start = (res: Response, next: NextFunction): void => {
    running += 1;
    gauges();
    res.once('close', () => {
      running -= 1;
      const turn = waiting.shift();
      if (turn) {
        clearTimeout(turn.timer);
        turn.admit();
      } else {
        gauges();
      }
    });
    next();
  };

  return (_req: Request, res: Response, next: NextFunction) => {
    if (running < limit) {
      start(res, next);
      return;
    }
    const waiter: Waiter = {
      res,
      admit: () => start(res, next),
      timer: setTimeout(() => {
        leave();
        metrics.operationsShed.inc();
        res.setHeader('retry-after', '1');
        res.status(503).json({
          errors: [
            {
              message: `The gateway is at capacity (${limit} operations running, more waiting for over ${maxWaitMs} ms): retry in a second.`,
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
      gauges();
    };
    // A client gone before its turn gives its place up.
    res.once('close', () => {
      if (waiting.includes(waiter)) leave();
    });
    waiting.push(waiter);
    gauges();
  };
}
