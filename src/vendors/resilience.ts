import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhenResult } from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/**
 * How much retrying one vendor may take, shared by every request to it (one per vendor client, for the life of
 * the process). Retries are allowed while they stay within `ratio` of recent first attempts, plus a small floor
 * so a quiet gateway can still retry; gRPC's retry throttling and Finagle's RetryBudget work the same way.
 * cockatiel 3 has retries and backoff but no budget shared across calls, hence this small token bucket.
 */
export interface RetryBudgetOptions {
  /** Tokens each first attempt deposits: 0.1 allows one retry per ten requests. */
  ratio: number;
  /** Tokens that accrue per second regardless of traffic (the floor for a quiet gateway). */
  minPerSecond: number;
  /** The most tokens the bucket holds; it starts full. Also the largest burst of retries after a quiet spell. */
  capacity: number;
  now?: () => number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetOptions = { ratio: 0.1, minPerSecond: 0.5, capacity: 10 };

/**
 * A token bucket: every first attempt deposits `ratio`, every retry withdraws one whole token, time adds
 * `minPerSecond`, and the balance never exceeds `capacity`. Under a sustained outage the retries over any span
 * are therefore at most `ratio` × first attempts + `capacity` + `minPerSecond` × seconds.
 */
export class RetryBudget {
  private tokens: number;
  private refilledAt: number;
  private readonly now: () => number;

  constructor(private readonly options: RetryBudgetOptions = DEFAULT_RETRY_BUDGET) {
    this.now = options.now ?? Date.now;
    this.tokens = options.capacity;
    this.refilledAt = this.now();
  }

  /** A call's first attempt: earns a fraction of a retry. */
  recordFirstAttempt(): void {
    this.refill();
    this.tokens = Math.min(this.options.capacity, this.tokens + this.options.ratio);
  }

  /** Takes one retry's worth of tokens when there is one; false means "do not retry". */
  tryRetry(): boolean {
    this.refill();
    // Ten deposits of 0.1 add up to 0.9999999999999999 in floating point: still one whole retry.
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /** The current balance (tests, metrics). */
  get balance(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.now();
    const seconds = Math.max(0, now - this.refilledAt) / 1000;
    this.refilledAt = now;
    this.tokens = Math.min(this.options.capacity, this.tokens + seconds * this.options.minPerSecond);
  }
}

export interface BreakerOptions {
  /** Consecutive vendor failures (timeouts, connection errors, 5xx) that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit fails fast before one probe may go through. */
  halfOpenAfterMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, halfOpenAfterMs: 5_000 };

/** The gauge's values: ordered by how bad things are, so `max()` across replicas reads right. */
export const CIRCUIT_GAUGE_VALUE: Record<CircuitState, number> = {
  [CircuitState.Closed]: 0,
  [CircuitState.HalfOpen]: 1,
  [CircuitState.Open]: 2,
  [CircuitState.Isolated]: 2,
};

const STATE_NAME: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'isolated',
};

/** What one attempt tells the breaker: only a failure that is the vendor's counts against it. */
export interface BreakerVerdict {
  /** A timeout, a connection error or a 5xx: counts towards opening. 4xx, 429 and successes do not. */
  vendorFault: boolean;
  /** Short and secret-free (`HTTP 503`, `timeout`), for the log line when the circuit opens. */
  reason: string;
  /** The request whose attempt this was: the log line when the circuit opens names it. */
  requestId?: string;
}

/**
 * The circuit breaker of one vendor (cockatiel's, over consecutive failures). It sees every upstream attempt as
 * a result (attempts never throw for an upstream failure), so "is this a failure" is decided by the verdict
 * alone. Logs and exports every state change; one per vendor client, for the life of the process.
 */
export function createVendorBreaker(
  vendor: string,
  options: BreakerOptions,
  metrics: Metrics,
  logger: Logger,
): CircuitBreakerPolicy {
  const breaker = circuitBreaker(
    handleWhenResult((result) => (result as BreakerVerdict).vendorFault),
    {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.failureThreshold),
    },
  );
  metrics.vendorCircuitState.set({ vendor }, CIRCUIT_GAUGE_VALUE[CircuitState.Closed]);
  breaker.onStateChange((state) => {
    metrics.vendorCircuitState.set({ vendor }, CIRCUIT_GAUGE_VALUE[state]);
  });
  breaker.onBreak((failure) => {
    const verdict = 'value' in failure ? (failure.value as BreakerVerdict) : undefined;
    const reason = verdict?.reason ?? ('isolated' in failure ? 'isolated' : 'error');
    logger.warn(
      {
        vendor,
        circuit: STATE_NAME[CircuitState.Open],
        reason,
        retryInMs: options.halfOpenAfterMs,
        ...(verdict?.requestId ? { requestId: verdict.requestId } : {}),
      },
      'vendor circuit opened: calls fail fast',
    );
  });
  breaker.onHalfOpen(() => {
    logger.info({ vendor, circuit: STATE_NAME[CircuitState.HalfOpen] }, 'vendor circuit half-open: probing');
  });
  breaker.onReset(() => {
    logger.info({ vendor, circuit: STATE_NAME[CircuitState.Closed] }, 'vendor circuit closed');
  });
  return breaker;
}
