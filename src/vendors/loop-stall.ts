/**
 * How long this process's event loop has been unable to run timers, summed since start: a tick is due every
 * `TICK_MS`, and whatever it arrives later than that is time the loop spent stalled on our own work (CPU-bound
 * resolvers, GC). A vendor call that times out while the loop was stalled for much of its window most likely had
 * its answer sitting unread in the socket, so `http.ts` does not hold that timeout against the vendor's breaker.
 * One unref'd timer for the whole process, started on first use.
 */
const TICK_MS = 25;

let stalledMs = 0;
let lastTick = 0;
let timer: NodeJS.Timeout | undefined;

function tick(): void {
  const now = performance.now();
  stalledMs += Math.max(0, now - lastTick - TICK_MS);
  lastTick = now;
}

/** Milliseconds the loop has been stalled so far, including a stall still going on (a tick that is overdue). */
export function loopStalledMs(): number {
  if (timer === undefined) {
    lastTick = performance.now();
    timer = setInterval(tick, TICK_MS).unref();
  }
  return stalledMs + Math.max(0, performance.now() - lastTick - TICK_MS);
}

/**
 * Whether a timed-out attempt is the gateway's own doing: the loop stalled for at least half of the attempt's
 * time limit, and for at least a quarter of a second (shorter stalls are ordinary scheduling noise).
 */
export function stalledThrough(stalledMs: number, timeoutMs: number): boolean {
  return stalledMs >= Math.max(timeoutMs / 2, 250);
}
