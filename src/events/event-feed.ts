/** Wakes a reader when something may have been added to the inbox. */
export interface Wakeup {
  /** Resolves at the first notification since the previous call (at once if one came in between). */
  next(signal?: AbortSignal): Promise<void>;
  close(): void;
}

/**
 * One LISTEN per process, fanned out to every subscriber in it: a thousand subscriptions cost one database
 * connection. Notifications only say "look again"; readers then read the inbox after their own cursor, so a
 * coalesced or dropped notification can delay an event but never lose or double one.
 */
export class EventFeed {
  private readonly waiters = new Set<{ pending: boolean; wake?: () => void }>();

  /** Called by the store's LISTEN for every notification on the events channel. */
  notify = (): void => {
    for (const waiter of this.waiters) {
      waiter.pending = true;
      waiter.wake?.();
    }
  };

  subscribe(): Wakeup {
    const waiter: { pending: boolean; wake?: () => void } = { pending: false };
    this.waiters.add(waiter);
    return {
      next: (signal) =>
        new Promise<void>((resolve) => {
          if (waiter.pending || signal?.aborted) {
            waiter.pending = false;
            resolve();
            return;
          }
          const done = (): void => {
            waiter.pending = false;
            waiter.wake = undefined;
            signal?.removeEventListener('abort', done);
            resolve();
          };
          waiter.wake = done;
          signal?.addEventListener('abort', done, { once: true });
        }),
      close: () => {
        waiter.wake?.();
        this.waiters.delete(waiter);
      },
    };
  }
}
