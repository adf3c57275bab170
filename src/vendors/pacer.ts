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
 * a vendor counting fixed windows satisfied. Each call reserves its start time when it asks, so waiters go in
 * order and a call whose turn would come too late (past its deadline, or more than `maxWaitMs` after it asked)
 * is refused at once with RATE_LIMITED saying when a slot frees, instead of waiting and then failing. One per
 * vendor client, shared by all requests: the limit is the vendor's, per key, not per request.
 */
export class RequestPacer {
  /** Start times granted or reserved, ascending; dropped once a whole window old. */
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
    const asked = this.now();
    for (;;) {
      const now = this.now();
      this.prune(now);
      const at = this.nextSlot(now);
      if (at - asked > this.options.maxWaitMs || at >= deadline) {
        throw new RateLimitedError(this.vendor, Math.max(1, Math.ceil((at - now) / 1000)));
      }
      this.reserve(at);
      if (at <= now) return;
      await this.sleep(at - now);
      // A 429 that came in while this call slept moved the vendor's pause past its slot: queue again.
      if (this.pausedUntil <= this.now()) return;
      this.release(at);
    }
  }

  /** The vendor said to wait (429 with Retry-After): no call starts before then. */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** Free slots right now (for tests and metrics); reserved future starts count as taken. */
  available(): number {
    const now = this.now();
    if (this.pausedUntil > now) return 0;
    const taken = this.starts.filter((start) => start > now - this.options.windowMs).length;
    return Math.max(0, this.options.limit - taken);
  }

  /** The earliest start that keeps every window within the limit, after any pause. */
  private nextSlot(now: number): number {
    const { limit, windowMs } = this.options;
    const at = Math.max(now, this.pausedUntil);
    const blocking = this.starts.length >= limit ? this.starts[this.starts.length - limit] : undefined;
    return blocking === undefined ? at : Math.max(at, blocking + windowMs);
  }

  private prune(now: number): void {
    while (this.starts.length > 0 && this.starts[0]! <= now - this.options.windowMs) this.starts.shift();
  }

  private reserve(at: number): void {
    let index = this.starts.length;
    while (index > 0 && this.starts[index - 1]! > at) index--;
    this.starts.splice(index, 0, at);
  }

  private release(at: number): void {
    const index = this.starts.indexOf(at);
    if (index !== -1) this.starts.splice(index, 1);
  }
}
