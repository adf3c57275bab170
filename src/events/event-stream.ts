import type { WebhookEventRow } from '../store/schema.js';
import type { EventQuery, WebhookInbox } from '../store/webhook-inbox.js';
import type { EventFeed } from './event-feed.js';

const BATCH = 100;

/**
 * Stored events after a cursor, in order, then live ones as they arrive, with nothing lost or doubled at the
 * seam: the feed is joined before the first read, and every read continues from the last event handed out.
 * Ends when `signal` aborts (the client unsubscribed or went away).
 */
export async function* eventStream(
  inbox: WebhookInbox,
  feed: EventFeed,
  query: Omit<EventQuery, 'limit'>,
  signal: AbortSignal,
): AsyncGenerator<WebhookEventRow> {
  const wakeup = feed.subscribe();
  let afterSeq = query.afterSeq;
  try {
    while (!signal.aborted) {
      const batch = await inbox.list({
        ...query,
        ...(afterSeq === undefined ? {} : { afterSeq }),
        limit: BATCH,
      });
      for (const row of batch) {
        afterSeq = String(row.seq);
        yield row;
        if (signal.aborted) return;
      }
      if (batch.length < BATCH) await wakeup.next(signal);
    }
  } finally {
    wakeup.close();
  }
}
