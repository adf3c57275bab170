import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimitedError } from '../../src/errors/gateway-errors.js';
import { RequestPacer } from '../../src/vendors/pacer.js';
import type { PacerOptions } from '../../src/vendors/pacer.js';

/**
 * A clock that only moves when the test says so. `sleep` parks the caller until `advance` passes its wake time,
 * so concurrent waiters wake in the order a real timer would wake them.
 */
class FakeClock {
  time = 0;
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = [];
  private sleepers: { at: number; wake: () => void }[] = [];

  readonly now = (): number => this.time;
  readonly sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    return new Promise((resolve) => this.sleepers.push({ at: this.time + ms, wake: resolve }));
  };

  /** Moves the clock to `to`, waking due sleepers one by one (each runs before the next wakes). */
  async advanceTo(to: number): Promise<void> {
    for (;;) {
      await settle();
      const due = this.sleepers.filter((sleeper) => sleeper.at <= to).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.sleepers = this.sleepers.filter((sleeper) => sleeper !== due);
      this.time = due.at;
      due.wake();
    }
    this.time = to;
    await settle();
  }
}

/** Lets every promise continuation that is ready run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function pacer(clock: FakeClock, options: Partial<PacerOptions> = {}): RequestPacer {
  return new RequestPacer('Test Vendor', {
    limit: 2,
    windowMs: 1_000,
    maxWaitMs: 1_500,
    now: clock.now,
    sleep: clock.sleep,
    ...options,
  });
}

/** Tracks a promise so the test can ask whether (and how) it has settled yet. */
function track(promise: Promise<void>) {
  const state: { done: boolean; at?: number; error?: unknown } = { done: false };
  return {
    state,
    promise: promise.then(
      () => {
        state.done = true;
      },
      (error: unknown) => {
        state.done = true;
        state.error = error;
      },
    ),
  };
}

function retryAfter(error: unknown): number | undefined {
  assert.ok(error instanceof RateLimitedError, `expected RateLimitedError, got ${String(error)}`);
  assert.equal(error.extensions.code, 'RATE_LIMITED');
  return error.retryAfterSeconds;
}

const FAR = Number.MAX_SAFE_INTEGER;

describe('RequestPacer', () => {
  it('lets `limit` calls start at once, then holds the next until the oldest leaves the window', async () => {
    const clock = new FakeClock();
    const pace = pacer(clock);
    await pace.acquire(FAR);
    clock.time = 200;
    await pace.acquire(FAR);
    assert.deepEqual(clock.sleeps, []);
    assert.equal(pace.available(), 0);

    clock.time = 300;
    const third = track(pace.acquire(FAR));
    await settle();
    assert.deepEqual(clock.sleeps, [700], 'waits until the start at 0 is a window old');
    assert.equal(third.state.done, false);
    await clock.advanceTo(1_000);
    await third.promise;
    assert.equal(third.state.error, undefined);
  });

  it('refuses at once with RATE_LIMITED and retryAfterSeconds when the wait is longer than maxWaitMs', async () => {
    const clock = new FakeClock();
    const pace = pacer(clock, { limit: 1, windowMs: 60_000, maxWaitMs: 5_000 });
    await pace.acquire(FAR);
    clock.time = 10_000;
    const error = await pace.acquire(FAR).catch((e: unknown) => e);
    assert.equal(retryAfter(error), 50);
    assert.match((error as Error).message, /retry in 50 s/);
    assert.deepEqual(clock.sleeps, [], 'a refused call does not wait first');
    // The refusal took no slot: once the window has passed, a call starts at once.
    clock.time = 60_000;
    await pace.acquire(FAR);
    assert.deepEqual(clock.sleeps, []);
  });

  it('refuses a call whose slot would come after its deadline', async () => {
    const clock = new FakeClock();
    const pace = pacer(clock, { limit: 1, maxWaitMs: 10_000 });
    await pace.acquire(FAR);
    const error = await pace.acquire(999).catch((e: unknown) => e);
    assert.equal(retryAfter(error), 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('queues waiters in order and refuses at once the one whose turn is beyond maxWaitMs', async () => {
    // limit 1 a second, 1.5 s of patience: B's slot is at 1 s (fits), C's at 2 s (does not).
    const clock = new FakeClock();
    const pace = pacer(clock, { limit: 1 });
    await pace.acquire(FAR);
    const b = track(pace.acquire(FAR));
    const c = track(pace.acquire(FAR));
    await settle();
    assert.equal(c.state.done, true, 'C is refused before anyone waits');
    assert.equal(retryAfter(c.state.error), 2);
    assert.deepEqual(clock.sleeps, [1_000]);
    await clock.advanceTo(1_000);
    await b.promise;
    assert.equal(b.state.error, undefined);
  });

  it('never lets one call wait longer than maxWaitMs in all, however many times it is overtaken', async () => {
    const clock = new FakeClock();
    const pace = pacer(clock, { limit: 1, maxWaitMs: 1_500 });
    await pace.acquire(FAR);
    const started: number[] = [];
    const calls = [0, 1, 2, 3].map(() =>
      track(
        pace.acquire(FAR).then(() => {
          started.push(clock.time);
        }),
      ),
    );
    await clock.advanceTo(10_000);
    await Promise.all(calls.map((call) => call.promise));
    assert.deepEqual(started, [1_000], 'one waiter fits in 1.5 s; the others are refused');
    assert.equal(calls.filter((call) => call.state.error !== undefined).length, 3);
  });

  it('holds every call while paused by the vendor, and refuses when the pause outlasts maxWaitMs', async () => {
    const clock = new FakeClock();
    const pace = pacer(clock, { limit: 10 });
    pace.pauseUntil(1_200);
    assert.equal(pace.available(), 0);
    const held = track(pace.acquire(FAR));
    await settle();
    assert.deepEqual(clock.sleeps, [1_200]);
    await clock.advanceTo(1_200);
    await held.promise;
    assert.equal(held.state.error, undefined);

    pace.pauseUntil(60_000);
    pace.pauseUntil(5_000); // an earlier end never shortens a pause
    const error = await pace.acquire(FAR).catch((e: unknown) => e);
    assert.equal(retryAfter(error), 59);
  });

  it('sends a waiter back to the queue when a pause begins while it sleeps', async () => {
    const clock = new FakeClock();
    const pace = pacer(clock, { limit: 1, maxWaitMs: 3_000 });
    await pace.acquire(FAR);
    const waiter = track(pace.acquire(FAR));
    await settle();
    assert.deepEqual(clock.sleeps, [1_000]);
    // A 429 elsewhere: the vendor wants nothing before 2.5 s.
    pace.pauseUntil(2_500);
    await clock.advanceTo(1_000);
    assert.equal(waiter.state.done, false, 'it did not start at its old slot');
    await clock.advanceTo(2_500);
    await waiter.promise;
    assert.equal(waiter.state.error, undefined);
    assert.deepEqual(clock.sleeps, [1_000, 1_500]);
  });

  it('never starts more than `limit` calls in any fixed window of the vendor', async () => {
    const clock = new FakeClock();
    const pace = pacer(clock, { limit: 3, windowMs: 1_000, maxWaitMs: 100_000 });
    const starts: number[] = [];
    // Bursts at irregular times, the way requests arrive.
    const arrivals = [0, 0, 10, 20, 500, 990, 999, 1_000, 1_001, 1_500, 2_400, 2_400, 2_400, 2_999, 3_000];
    const calls: Promise<void>[] = [];
    for (const at of arrivals) {
      await clock.advanceTo(at);
      calls.push(
        pace.acquire(FAR).then(() => {
          starts.push(clock.time);
        }),
      );
    }
    await clock.advanceTo(100_000);
    await Promise.all(calls);
    assert.equal(starts.length, arrivals.length);
    for (const start of starts) {
      const sameWindow = starts.filter((other) => Math.floor(other / 1_000) === Math.floor(start / 1_000));
      assert.ok(sameWindow.length <= 3, `window of ${start}: ${sameWindow.join(', ')}`);
      const sliding = starts.filter((other) => other > start - 1_000 && other <= start);
      assert.ok(sliding.length <= 3, `sliding window ending ${start}: ${sliding.join(', ')}`);
    }
  });
});
