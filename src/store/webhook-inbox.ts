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

/** At most this many events share one statement (and so one commit). */
const MAX_BATCH = 100;

interface PendingWrite {
  event: IncomingEvent;
  resolve: (outcome: RecordOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * The webhook inbox: every verified event, once, in arrival order (`seq`), written before the sender gets its
 * 2xx. Publishing is a NOTIFY in the same transaction, so a subscriber on any process sharing the database hears
 * of an event exactly when it is durable. One per process, shared by all requests (their writes share statements).
 */
export class WebhookInbox {
  /** Events waiting for the next statement, in arrival order. */
  private readonly pending: PendingWrite[] = [];
  private writing = false;

  constructor(private readonly db: Kysely<StoreSchema>) {}

  /**
   * One writer at a time (an advisory lock held until commit): sequence numbers then commit in the order they
   * were drawn, so a reader that has seen seq N can never later meet a smaller one (no event skipped at the
   * replay/live seam), and two late events about one order cannot both judge themselves newest. So the write is
   * one statement, `record_webhook_events` (migration 0005): the lock is held for the database's own work and
   * the commit, never across this process's round trips, which under load wait for a busy event loop. And events
   * recorded while a write is at the database go together in the next one, sharing its commit: held across four
   * round trips the lock capped the create-then-confirm pair (two writes) at ~180 a second, and one statement per
   * event at one commit each at ~330 (README, Performance). A batch that fails is written again event by event,
   * so one event's failure is its own.
   */
  record(event: IncomingEvent): Promise<RecordOutcome> {
    return new Promise<RecordOutcome>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      if (!this.writing) void this.writePending();
    });
  }

  private async writePending(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          await this.write(batch);
        } catch (error) {
          if (batch.length === 1) batch[0]?.reject(error);
          else for (const write of batch) await this.write([write]).catch(write.reject);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** One statement for `writes`, answering each; throws (answering none) when the statement fails. */
  private async write(writes: readonly PendingWrite[]): Promise<void> {
    const events = writes.map(({ event }) => ({
      event_id: event.eventId,
      source: event.source,
      type: event.type,
      subject: event.subject,
      subject_id: event.subjectId,
      partner_id: event.partnerId,
      status: event.status,
      status_rank: event.statusRank,
      occurred_at: event.occurredAt.toISOString(),
      payload: event.payload,
    }));
    const { rows } = await sql<{
      out_index: number;
      out_seq: string;
      out_inserted: boolean;
      out_superseded: boolean;
    }>`select out_index, out_seq, out_inserted, out_superseded
         from record_webhook_events(${INBOX_LOCK}, ${EVENTS_CHANNEL}, ${JSON.stringify(events)}::jsonb)`.execute(
      this.db,
    );
    const answered = new Set<PendingWrite>();
    for (const row of rows) {
      const write = writes[row.out_index - 1];
      if (!write) continue;
      answered.add(write);
      write.resolve({ inserted: row.out_inserted, seq: String(row.out_seq), superseded: row.out_superseded });
    }
    for (const write of writes) {
      if (!answered.has(write))
        write.reject(new Error('record_webhook_events answered nothing for an event.'));
    }
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
