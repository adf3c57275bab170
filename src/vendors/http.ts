import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { ErrorCode } from '../errors/error-code.js';
import {
  RateLimitedError,
  UpstreamBadResponseError,
  UpstreamUnavailableError,
} from '../errors/gateway-errors.js';
import { BrokenCircuitError, CircuitState } from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { loopStalledMs, stalledThrough } from './loop-stall.js';
import type { RequestPacer } from './pacer.js';
import { DEFAULT_BREAKER, DEFAULT_RETRY_BUDGET, RetryBudget, createVendorBreaker } from './resilience.js';
import type { BreakerOptions, BreakerVerdict, RetryBudgetOptions } from './resilience.js';
import type { Transport } from './transport.js';

/** What one GraphQL operation lends to every upstream call it makes. One per request. */
export interface CallScope {
  /** Sent upstream as `x-request-id` and logged with every attempt. */
  requestId: string;
  /** Epoch milliseconds after which no attempt or backoff may start. */
  deadline: number;
  /**
   * Calls made so far under this scope (retries not counted): what the operation gate learns an operation's
   * weight from. Counted when present.
   */
  vendorCalls?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface VendorCall {
  /** Metric and log label, e.g. `getOrder`. */
  operation: string;
  method: HttpMethod;
  /** Appended to the base URL; already URL-encoded by the caller. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /**
   * Whether repeating the call cannot change the outcome. Defaults to true for GET, PUT and DELETE and false
   * otherwise: a non-idempotent call is never repeated after it may have reached the vendor.
   */
  idempotent?: boolean;
  /**
   * Whether a 429 to this call means the vendor's request budget is spent, so every call to it waits out the
   * Retry-After (the default), rather than a quota only calls like this one draw on (a daily order limit, which
   * must not hold back reads until midnight). Gets the 429's parsed body, undefined when it is not JSON.
   */
  rateLimitHoldsVendor?: (body: unknown) => boolean;
  /** A form body (`application/x-www-form-urlencoded`, e.g. an OAuth token request) instead of JSON `body`. */
  form?: Record<string, string>;
  /** Headers for this call only (a bearer token from a cache). Like the fixed ones: never logged. */
  headers?: Record<string, string>;
}

const IDEMPOTENT_METHODS = new Set<HttpMethod>(['GET', 'PUT', 'DELETE']);
const isIdempotent = (call: VendorCall): boolean => call.idempotent ?? IDEMPOTENT_METHODS.has(call.method);

export interface VendorResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty body (and for an unparseable error body). */
  body: unknown;
  header(name: string): string | null;
  /**
   * The error for an answer whose body is not what the vendor's contract promises (UPSTREAM_BAD_RESPONSE). To a
   * write that may not be repeated it is also an OutcomeUnknownError: the vendor acted, we cannot tell the result,
   * so callers reconcile as after a lost answer.
   */
  badResponse(reason: string): UpstreamBadResponseError | UnreadableWriteAnswerError;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the caller gets RATE_LIMITED with the delay instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  maxRetryAfterMs: 5_000,
};

export interface VendorHttpOptions {
  /** Metric label, snake_case: `channel_manager`. */
  vendor: string;
  /** How errors name the vendor to clients: `Channel Manager`. */
  displayName: string;
  baseUrl: string;
  /** Credentials and fixed headers. Never logged, never put in an error. */
  headers: Record<string, string>;
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  transport: Transport;
  metrics: Metrics;
  logger: Logger;
  /** Headers that carry the operation's request id upstream; default `x-request-id`. */
  requestIdHeaders?: string[];
  /** Keeps calls within the vendor's published rate limit (shared by all requests to this vendor). */
  pacer?: RequestPacer;
  /** The vendor's retry budget (shared by all requests to it); defaults to `DEFAULT_RETRY_BUDGET`. */
  retryBudget?: Partial<RetryBudgetOptions>;
  /** The vendor's circuit breaker; defaults to `DEFAULT_BREAKER`. */
  breaker?: Partial<BreakerOptions>;
  /** Injected in tests to make backoff instant; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * A failure of an upstream call that might have been carried out by the vendor anyway (timeout or 5xx on a
 * non-idempotent call). Callers with a natural key reconcile instead of guessing.
 */
export class OutcomeUnknownError extends UpstreamUnavailableError {
  readonly outcomeUnknown = true;
  constructor(
    vendor: string,
    reason: string,
    /** The vendor's HTTP status when it answered (a 5xx); undefined after a timeout or a dropped connection. */
    readonly status?: number,
  ) {
    super(vendor, reason);
  }
}

/**
 * A write that may not be repeated, answered with a body we cannot read: the vendor acted, the result is unknown.
 * Callers see an OutcomeUnknownError and reconcile through the natural key; clients see UPSTREAM_BAD_RESPONSE.
 */
export class UnreadableWriteAnswerError extends OutcomeUnknownError {
  constructor(vendor: string, reason: string, status: number) {
    super(vendor, reason, status);
    // The same words and code as UpstreamBadResponseError: to a client this is a bad answer, not an outage.
    this.message = `${vendor} sent a response the gateway could not understand (${reason}).`;
    (this.extensions as Record<string, unknown>).code = ErrorCode.UPSTREAM_BAD_RESPONSE;
  }
}

type Attempt = BreakerVerdict &
  (
    | { kind: 'response'; response: VendorResponse }
    | {
        kind: 'retryable';
        /** Metric label: `timeout`, `network_error`, `HTTP 503`. */
        reason: string;
        /** For people: `timed out after 5000 ms`. */
        detail: string;
        /** The HTTP status, when the vendor answered. */
        status?: number;
        error: Error;
        delayHintMs?: number;
        sent: boolean;
        /** The parsed body of a 429, for `VendorCall.rateLimitHoldsVendor`. */
        body?: unknown;
      }
  );

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The only way out of the gateway: per-attempt timeouts bounded by the operation's deadline, retries with
 * exponential backoff and full jitter for calls that are safe to repeat, Retry-After honoured within the
 * deadline, a retry budget and a circuit breaker per vendor, a request id on every call, one metric per attempt.
 * One instance per vendor client, for the life of the process; its budget and breaker are shared by every
 * request to that vendor, and it holds no per-request state.
 */
export class VendorHttp {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly budget: RetryBudget;
  private readonly breaker: CircuitBreakerPolicy;

  constructor(private readonly options: VendorHttpOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? sleepFor;
    this.random = options.random ?? Math.random;
    this.budget = new RetryBudget({ ...DEFAULT_RETRY_BUDGET, ...options.retryBudget });
    this.breaker = createVendorBreaker(
      options.vendor,
      { ...DEFAULT_BREAKER, ...options.breaker },
      options.metrics,
      options.logger,
    );
  }

  get vendorName(): string {
    return this.options.displayName;
  }

  async call(call: VendorCall, scope: CallScope): Promise<VendorResponse> {
    if (scope.vendorCalls !== undefined) scope.vendorCalls += 1;
    const idempotent = isIdempotent(call);
    const url = this.url(call);
    const body = call.form
      ? new URLSearchParams(call.form).toString()
      : call.body === undefined
        ? undefined
        : JSON.stringify(call.body);
    for (let attempt = 1; ; attempt++) {
      if (scope.deadline - Date.now() <= 0) {
        throw new UpstreamUnavailableError(this.options.displayName, 'the operation deadline passed');
      }
      if (attempt === 1) this.budget.recordFirstAttempt();
      const outcome = await this.guardedAttempt(call, url, body, scope, attempt);
      if (outcome.kind === 'response') return outcome.response;

      // A 429 or a refused connection means the vendor did nothing: safe to repeat even a POST.
      const safeToRepeat = idempotent || !outcome.sent;
      if (!safeToRepeat) {
        throw new OutcomeUnknownError(this.options.displayName, outcome.detail, outcome.status);
      }
      // The vendor's own "wait" holds back every caller of this vendor, not only this one.
      if (
        outcome.delayHintMs !== undefined &&
        outcome.reason === 'HTTP 429' &&
        (call.rateLimitHoldsVendor?.(outcome.body) ?? true)
      ) {
        this.options.pacer?.pauseUntil(Date.now() + outcome.delayHintMs);
      }
      const delay = this.backoff(attempt, outcome.delayHintMs);
      const retryAfterTooLong =
        outcome.delayHintMs !== undefined && outcome.delayHintMs > this.retry.maxRetryAfterMs;
      if (attempt >= this.retry.maxAttempts || retryAfterTooLong || Date.now() + delay >= scope.deadline) {
        throw outcome.error;
      }
      // Checked last, so a token is only spent on a retry that will happen.
      if (!this.budget.tryRetry()) {
        this.options.metrics.vendorRetriesDenied.inc({
          vendor: this.options.vendor,
          operation: call.operation,
        });
        throw outcome.error;
      }
      this.options.metrics.vendorRetries.inc({
        vendor: this.options.vendor,
        operation: call.operation,
        reason: outcome.reason.startsWith('HTTP') ? outcome.reason.slice(5) : outcome.reason,
      });
      await this.sleep(delay);
    }
  }

  /**
   * One attempt through the vendor's circuit breaker. While the circuit is open, or half-open with its one probe
   * in flight, the call fails fast without reaching the vendor (nor the pacer). A call that never left cannot
   * have reached the vendor, so this is never an OutcomeUnknownError.
   */
  private async guardedAttempt(
    call: VendorCall,
    url: string,
    body: string | undefined,
    scope: CallScope,
    attempt: number,
  ): Promise<Attempt> {
    const state = this.breaker.state;
    try {
      if (state === CircuitState.HalfOpen || state === CircuitState.Isolated) throw new BrokenCircuitError();
      return await this.breaker.execute(async () => {
        // Every attempt, retries included, is a request the vendor counts against its limit.
        await this.options.pacer?.acquire(scope.deadline);
        const remaining = Math.max(1, scope.deadline - Date.now());
        const outcome = await this.attempt(
          call,
          url,
          body,
          scope,
          Math.min(this.options.timeoutMs, remaining),
          attempt,
        );
        outcome.requestId = scope.requestId;
        return outcome;
      });
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) throw error;
      this.options.metrics.vendorShortCircuits.inc({
        vendor: this.options.vendor,
        operation: call.operation,
      });
      throw new UpstreamUnavailableError(this.options.displayName, 'circuit open, not calling it for now');
    }
  }

  private url(call: VendorCall): string {
    const url = new URL(this.options.baseUrl + call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  /** Full jitter (AWS architecture blog), or the vendor's own Retry-After when it gave one. */
  private backoff(attempt: number, hintMs: number | undefined): number {
    if (hintMs !== undefined) return hintMs;
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * cap);
  }

  private async attempt(
    call: VendorCall,
    url: string,
    body: string | undefined,
    scope: CallScope,
    timeoutMs: number,
    attempt: number,
  ): Promise<Attempt> {
    const { vendor, displayName } = this.options;
    const started = performance.now();
    const stalledAtStart = loopStalledMs();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: string;
    let result: Attempt | undefined;
    let received: { status: number; text: string; header: (name: string) => string | null } | undefined;
    try {
      const response = await this.options.transport.send({
        url,
        method: call.method,
        headers: {
          accept: 'application/json',
          ...(body === undefined
            ? {}
            : { 'content-type': call.form ? 'application/x-www-form-urlencoded' : 'application/json' }),
          ...Object.fromEntries(
            (this.options.requestIdHeaders ?? ['x-request-id']).map((name) => [name, scope.requestId]),
          ),
          ...this.options.headers,
          ...call.headers,
        },
        body,
        signal: controller.signal,
      });
      const text = await response.text();
      status = String(response.status);
      received = { status: response.status, text, header: response.header.bind(response) };
    } catch (error) {
      const timedOut = controller.signal.aborted;
      // A timeout while our own loop was stalled says more about the gateway than about the vendor.
      const gatewayStalledMs = timedOut ? loopStalledMs() - stalledAtStart : 0;
      const ownDoing = timedOut && stalledThrough(gatewayStalledMs, timeoutMs);
      status = timedOut ? 'timeout' : 'network_error';
      const refused = (error as { code?: string }).code === 'ECONNREFUSED';
      const reason = timedOut
        ? `timed out after ${timeoutMs} ms`
        : refused
          ? 'connection refused'
          : 'connection failed';
      result = {
        kind: 'retryable',
        reason: timedOut ? 'timeout' : 'network_error',
        detail: reason,
        error: new UpstreamUnavailableError(displayName, reason),
        sent: !refused,
        // An attempt cut short by the operation's deadline, or by our own stalled loop, says nothing about the
        // vendor.
        vendorFault: !timedOut || (timeoutMs >= this.options.timeoutMs && !ownDoing),
      };
      if (ownDoing) {
        this.options.logger.warn(
          {
            vendor,
            operation: call.operation,
            timeoutMs,
            gatewayStalledMs: Math.round(gatewayStalledMs),
            requestId: scope.requestId,
          },
          'vendor call timed out while the gateway was overloaded: not counted against the vendor',
        );
      }
    } finally {
      clearTimeout(timer);
    }
    const seconds = (performance.now() - started) / 1000;
    this.options.metrics.vendorRequests.inc({ vendor, operation: call.operation, status });
    this.options.metrics.vendorRequestDuration.observe({ vendor, operation: call.operation }, seconds);
    this.options.logger.debug(
      {
        vendor,
        operation: call.operation,
        method: call.method,
        path: call.path,
        status,
        attempt,
        ms: Math.round(seconds * 1000),
        requestId: scope.requestId,
      },
      'vendor call',
    );
    return result ?? this.classify(received!.status, received!.text, received!.header, isIdempotent(call));
  }

  private classify(
    status: number,
    text: string,
    header: (name: string) => string | null,
    idempotent: boolean,
  ): Attempt {
    const { displayName } = this.options;
    const badResponse = (reason: string): UpstreamBadResponseError | UnreadableWriteAnswerError =>
      idempotent
        ? new UpstreamBadResponseError(displayName, reason)
        : new UnreadableWriteAnswerError(displayName, reason, status);
    if (status === 429) {
      const delayHintMs = parseRetryAfter(header('retry-after'));
      return {
        kind: 'retryable',
        reason: 'HTTP 429',
        detail: 'HTTP 429',
        error: new RateLimitedError(
          displayName,
          delayHintMs === undefined ? undefined : Math.ceil(delayHintMs / 1000),
        ),
        delayHintMs,
        sent: false,
        body: parseOrUndefined(text),
        // The vendor's own budget, not a fault: it answered, and the pacer and Retry-After deal with it.
        vendorFault: false,
      };
    }
    if (status >= 500) {
      return {
        kind: 'retryable',
        reason: `HTTP ${status}`,
        detail: `HTTP ${status}`,
        status,
        error: new UpstreamUnavailableError(displayName, `HTTP ${status}`),
        delayHintMs: status === 503 ? parseRetryAfter(header('retry-after')) : undefined,
        sent: true,
        vendorFault: true,
      };
    }
    let parsed: unknown;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        // An error answer that is not JSON is still an error answer; a success that is not JSON is broken.
        if (status < 400) throw badResponse(`HTTP ${status} with a body that is not JSON`);
      }
    }
    return {
      kind: 'response',
      response: { status, body: parsed, header, badResponse },
      reason: `HTTP ${status}`,
      vendorFault: false,
    };
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Anything else is ignored rather than
 * handed to Date.parse, which reads "1.5" or "-1" as dates in 2001 and would turn them into "retry now".
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  const trimmed = value?.trim() ?? '';
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!IMF_FIXDATE.test(trimmed)) return undefined;
  return Math.max(0, Date.parse(trimmed) - now);
}
