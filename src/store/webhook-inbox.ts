import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { StoreSchema, WebhookEventRow } from './schema.js';

/** The channel every gateway process LISTENs on; the payload is the new event's sequence number. */
export const EVENTS_CHANNEL = 'partner_graph_events';

export type EventSubject = 'order' | 'partner';

/** Advisory lock key of inbox writes (any fixed number; it only has to be the same in every process). */
const INBOX_LOCK = 734_212_009;

/** An event as it enters the inbox, already verified and mapped to vendor-neutral words. */
export interface IncomingEvent {
  /** The sender's event id: unique, so a redelivery has no second effect. */
  eventId: string;
  source: string;
  type: string;
  subject: EventSubject;
  subjectId: string;
  partnerId: string | null;
  /** Fulfilment status for order events, upper-case (`SHIPPED`); null for partner events. */
  status: string | null;
  /** Rank of `status` in its forward order; an event whose rank is below the last one published is superseded. */
  statusRank: number | null;
  occurredAt: Date;
  payload: unknown;
}

export interface RecordOutcome {
  /** False for a redelivery of an event id already in the inbox. */
  inserted: boolean;
  seq: string;
  /** True when a newer event about the same order was already in: stored, never published. */
  superseded: boolean;
}

/** Keeps `in (…)` valid for an empty list of partners; no partner id is empty. */
const NO_PARTNER = '';

export interface EventQuery {
  /** Only events after this sequence number. */
  afterSeq?: string;
  subject?: EventSubject;
  partnerId?: string;
  /** Only events about one of these partners (events naming no partner are left out); undefined: all. */
  partnerIds?: readonly string[];
  limit: number;
}

/**
 * The webhook inbox: every verified event, once, in arrival order (`seq`), written before the sender gets its
 * 2xx. Publishing is a NOTIFY in the same transaction, so a subscriber on any process sharing the database hears
 * of an event exactly when it is durable. Stateless; shared by all requests.
 */
export class WebhookInbox {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  async record(event: IncomingEvent): Promise<RecordOutcome> {
    return this.db.transaction().execute(async (tx) => {
      // One writer at a time: sequence numbers then commit in the order they were drawn, so a reader that has
      // seen seq N can never later meet a smaller one (no event skipped at the replay/live seam), and two late
      // events about one order cannot both judge themselves newest. Webhook volume makes this cheap.
      await sql`select pg_advisory_xact_lock(${INBOX_LOCK})`.execute(tx);
      const newer =
        event.statusRank === null
          ? undefined
          : await tx
              .selectFrom('webhook_events')
              .select('seq')
              .where('subject', '=', event.subject)
              .where('subject_id', '=', event.subjectId)
              .where('superseded', '=', false)
              .where((eb) =>
                eb.or([
                  eb('status_rank', '>', event.statusRank!),
                  eb.and([
                    eb('status_rank', '=', event.statusRank!),
                    eb('occurred_at', '>', event.occurredAt),
                  ]),
                ]),
              )
              .executeTakeFirst();
      const superseded = newer !== undefined;
      const inserted = await tx
        .insertInto('webhook_events')
        .values({
          event_id: event.eventId,
          source: event.source,
          type: event.type,
          subject: event.subject,
          subject_id: event.subjectId,
          partner_id: event.partnerId,
          status: event.status,
          status_rank: event.statusRank,
          occurred_at: event.occurredAt,
          payload: JSON.stringify(event.payload),
          superseded,
        })
        .onConflict((conflict) => conflict.column('event_id').doNothing())
        .returning('seq')
        .executeTakeFirst();
      if (!inserted) {
        const existing = await tx
          .selectFrom('webhook_events')
          .select(['seq', 'superseded'])
          .where('event_id', '=', event.eventId)
          .executeTakeFirstOrThrow();
        return { inserted: false, seq: String(existing.seq), superseded: existing.superseded };
      }
      if (!superseded) await sql`select pg_notify(${EVENTS_CHANNEL}, ${String(inserted.seq)})`.execute(tx);
      return { inserted: true, seq: String(inserted.seq), superseded };
    });
  }

  /** Published events after a cursor, oldest first (replay, paging, and catching up after a notification). */
  async list(query: EventQuery): Promise<WebhookEventRow[]> {
    let select = this.db
      .selectFrom('webhook_events')
      .selectAll()
      .where('superseded', '=', false)
      .orderBy('seq', 'asc')
      .limit(query.limit);
    if (query.afterSeq !== undefined) select = select.where('seq', '>', query.afterSeq);
    if (query.subject) select = select.where('subject', '=', query.subject);
    if (query.partnerId) select = select.where('partner_id', '=', query.partnerId);
    if (query.partnerIds) select = select.where('partner_id', 'in', [...query.partnerIds, NO_PARTNER]);
    return select.execute();
  }

  /** The sequence number of an event id (cursors are event ids); undefined when the inbox has no such event. */
  async seqOf(eventId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('webhook_events')
      .select('seq')
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return row ? String(row.seq) : undefined;
  }

  async count(query: Omit<EventQuery, 'limit' | 'afterSeq'>): Promise<number> {
    let select = this.db
      .selectFrom('webhook_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('superseded', '=', false);
    if (query.subject) select = select.where('subject', '=', query.subject);
    if (query.partnerId) select = select.where('partner_id', '=', query.partnerId);
    if (query.partnerIds) select = select.where('partner_id', 'in', [...query.partnerIds, NO_PARTNER]);
    const row = await select.executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
