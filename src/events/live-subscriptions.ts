import type { Kysely } from 'kysely';
import type { StoreSchema, WebhookEventRow } from '../store/schema.js';
import type { EventQuery, WebhookInbox } from '../store/webhook-inbox.js';
import type { EventFeed } from './event-feed.js';
import { eventStream } from './event-stream.js';

/**
 * Every subscription stream open in this process, one per GraphQL subscription. Each stream ends when its
 * iterator's `return()` is called (graphql-ws does that when the client sends `complete` or the socket closes),
 * which aborts the wait for the next event at once instead of at the next notification. One per process; holds
 * no event data, only the streams' stop functions.
 */
export class LiveSubscriptions {
  private readonly open = new Set<() => Promise<void>>();
  private closed = false;

  constructor(
    private readonly inbox: WebhookInbox,
    private readonly feed: EventFeed,
  ) {}

  /**
   * Stored events after `query.afterSeq`, then live ones, each mapped by `map` as it is handed out (so anything
   * `map` builds, such as a fresh operation context, belongs to that one event).
   */
  stream<T>(query: Omit<EventQuery, 'limit'>, map: (row: WebhookEventRow) => T): AsyncIterableIterator<T> {
    const controller = new AbortController();
    const rows = eventStream(this.inbox, this.feed, query, controller.signal);
    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopped ??= (async () => {
        // Abort first: a `next()` waiting for a notification then settles, and the generator can finish.
        controller.abort();
        this.open.delete(stop);
        await rows.return(undefined);
      })());
    if (this.closed) controller.abort();
    else this.open.add(stop);

    const iterator: AsyncIterableIterator<T> = {
      next: async (): Promise<IteratorResult<T>> => {
        let step: IteratorResult<WebhookEventRow>;
        try {
          step = await rows.next();
        } catch (error) {
          await stop();
          throw error;
        }
        if (step.done) {
          await stop();
          return { done: true, value: undefined };
        }
        try {
          return { done: false, value: map(step.value) };
        } catch (error) {
          // graphql-ws drops an iterator that threw without calling `return()`: end the stream here.
          await stop();
          throw error;
        }
      },
      return: async (): Promise<IteratorResult<T>> => {
        await stop();
        return { done: true, value: undefined };
      },
      throw: async (error: unknown): Promise<IteratorResult<T>> => {
        await stop();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** How many streams are open (a subscription counts from the moment its starting cursor is fixed). */
  get size(): number {
    return this.open.size;
  }

  /** Ends every open stream and refuses new ones (the gateway is stopping). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.open].map((stop) => stop()));
  }
}

/**
 * The newest sequence number in the inbox, published or not (0 when empty): where a subscription without a
 * cursor starts, so it sees what happens from now on. Anything stored between this read and the stream's first
 * read is still after it, so nothing falls between "now" and "live".
 */
export async function latestSeq(db: Kysely<StoreSchema>): Promise<string> {
  const row = await db
    .selectFrom('webhook_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return row?.seq === null || row?.seq === undefined ? '0' : String(row.seq);
}
