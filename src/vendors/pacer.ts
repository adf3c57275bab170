import { RateLimitedError } from '../errors/gateway-errors.js';

export interface PacerOptions {
  /** Calls allowed in any window. */
  limit: number;
  windowMs: number;
  /** The longest a call may wait for a slot before it is refused with RATE_LIMITED instead. */
  maxWaitMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Keeps one vendor's calls within its published rate limit, so the gateway waits briefly on its own side
 * instead of collecting 429s. A sliding window: at most `limit` call starts in any `windowMs`, which also keeps
 * a vendor counting fixed windows satisfied. A call that would wait past its deadline (or past `maxWaitMs`) is
 * refused at once with RATE_LIMITED saying when a slot frees. One per vendor client, shared by all requests:
 * the limit is the vendor's, per key, not per request.
 */
export class RequestPacer {
  private readonly starts: number[] = [];
  private pausedUntil = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly vendor: string,
    private readonly options: PacerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleepFor;
  }

  async acquire(deadline: number): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.starts.length > 0 && this.starts[0]! <= now - this.options.windowMs) this.starts.shift();
      let wait: number;
      if (this.pausedUntil > now) {
        wait = this.pausedUntil - now;
      } else if (this.starts.length < this.options.limit) {
        this.starts.push(now);
        return;
      } else {
        wait = this.starts[0]! + this.options.windowMs - now;
      }
      if (wait > this.options.maxWaitMs || now + wait >= deadline) {
        throw new RateLimitedError(this.vendor, Math.max(1, Math.ceil(wait / 1000)));
      }
      await this.sleep(wait);
    }
  }

  /** The vendor said to wait (429 with Retry-After): no call starts before then. */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** Free slots right now (for tests and metrics). */
  available(): number {
    const now = this.now();
    return this.pausedUntil > now
      ? 0
      : this.options.limit - this.starts.filter((start) => start > now - this.options.windowMs).length;
  }
}
