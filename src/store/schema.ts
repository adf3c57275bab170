import type { Generated, Selectable } from 'kysely';

/**
 * The gateway's own tables, as Kysely sees them. Each table is created by a migration in `migrations.ts`;
 * this file only describes them to the type checker.
 */
export interface PartnerLinksTable {
  /** The PartnerPortal partner id: the partner as the graph knows it. */
  partner_id: string;
  /** The Channel Manager partnerId of the same partner; one Channel Manager partner belongs to one partner. */
  channel_manager_partner_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Where one idempotent write stands; see `idempotency.ts` for the transitions. */
export type IdempotencyState = 'pending' | 'succeeded' | 'failed' | 'unknown';

export interface IdempotencyRecordsTable {
  /** Whose keys these are and for which write, e.g. `partner_orders.submit:<caller key id>`. */
  scope: string;
  /** The client's idempotency key, as sent. */
  key: string;
  /** SHA-256 of the normalised request the key was first used for. */
  request_hash: string;
  state: IdempotencyState;
  /** Bumped by every claim, so a holder whose lease was taken over cannot overwrite the new holder's outcome. */
  attempt: Generated<number>;
  /** Until when a pending record belongs to its holder; after that another request may take it over. */
  lease_until: Date;
  /** The stored answer of a succeeded write (JSON), replayed to repeats. */
  response: unknown;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The webhook inbox: every verified event once, in the order it was stored (`seq`). */
export interface WebhookEventsTable {
  /** bigint: drivers hand it over as a string (pg) or a number (PGlite); always compare it as text-cast bigint. */
  seq: Generated<string>;
  event_id: string;
  source: string;
  type: string;
  subject: string;
  subject_id: string;
  partner_id: string | null;
  status: string | null;
  status_rank: number | null;
  occurred_at: Date;
  received_at: Generated<Date>;
  /** JSON text on the way in; parsed JSON on the way out. */
  payload: unknown;
  superseded: boolean;
}

/** Owners of vendor objects that name no partner at their vendor; see `partner-claims.ts`. */
export interface PartnerClaimsTable {
  /** What `object_id` is, e.g. `national_express.account`, `nfc_tagify.customer_reference`. */
  kind: string;
  object_id: string;
  /** The PartnerPortal partner; null: claimed for no partner (only keys for all partners see it). */
  partner_id: string | null;
  created_at: Generated<Date>;
}

export interface StoreSchema {
  partner_links: PartnerLinksTable;
  partner_claims: PartnerClaimsTable;
  idempotency_records: IdempotencyRecordsTable;
  webhook_events: WebhookEventsTable;
}

export type WebhookEventRow = Selectable<WebhookEventsTable>;

export type PartnerLinkRow = Selectable<PartnerLinksTable>;
export type IdempotencyRecordRow = Selectable<IdempotencyRecordsTable>;
