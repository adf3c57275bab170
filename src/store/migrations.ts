import type { Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { sql } from 'kysely';

/**
 * The one migration set, for embedded PGlite and a PostgreSQL server alike. Append only: a migration that has
 * run anywhere is never edited; a change is a new migration. Names sort in the order they must run.
 */
const migrations: Record<string, Migration> = {
  '0001_partner_links': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table partner_links (
          partner_id text primary key,
          channel_manager_partner_id text unique,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        )`.execute(db);
    },
  },
  '0002_idempotency_records': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table idempotency_records (
          scope text not null,
          key text not null,
          request_hash text not null,
          state text not null check (state in ('pending', 'succeeded', 'failed', 'unknown')),
          attempt integer not null default 1,
          lease_until timestamptz not null,
          response jsonb,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          primary key (scope, key)
        )`.execute(db);
    },
  },
  '0003_webhook_inbox': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table webhook_events (
          seq bigserial primary key,
          event_id text not null unique,
          source text not null,
          type text not null,
          subject text not null,
          subject_id text not null,
          partner_id text,
          status text,
          status_rank integer,
          occurred_at timestamptz not null,
          received_at timestamptz not null default now(),
          payload jsonb not null,
          superseded boolean not null default false
        )`.execute(db);
      await sql`create index webhook_events_subject on webhook_events (subject, subject_id)`.execute(db);
      await sql`create index webhook_events_partner on webhook_events (partner_id, seq)`.execute(db);
    },
  },
  '0004_partner_claims': {
    async up(db: Kysely<unknown>) {
      // Which partner owns a vendor object the vendor itself ties to no partner (see partner-claims.ts).
      await sql`
        create table partner_claims (
          kind text not null,
          object_id text not null,
          partner_id text,
          created_at timestamptz not null default now(),
          primary key (kind, object_id)
        )`.execute(db);
      await sql`create index partner_claims_partner on partner_claims (kind, partner_id)`.execute(db);
    },
  },
  '0005_webhook_event_record_function': {
    async up(db: Kysely<unknown>) {
      // An inbox write in one statement (see WebhookInbox.record): the inbox lock is then held for the server's
      // own work and the commit, not for the writer's round trips. Arguments are named p_*, results out_*, so
      // neither is ever mistaken for a column.
      await sql`
        create function record_webhook_event(
          p_lock bigint, p_channel text, p_event_id text, p_source text, p_type text, p_subject text,
          p_subject_id text, p_partner_id text, p_status text, p_status_rank integer,
          p_occurred_at timestamptz, p_payload jsonb
        ) returns table (out_seq bigint, out_inserted boolean, out_superseded boolean)
        language plpgsql as $$
        declare
          newer boolean := false;
          new_seq bigint;
        begin
          perform pg_advisory_xact_lock(p_lock);
          if p_status_rank is not null then
            newer := exists (
              select 1 from webhook_events e
              where e.subject = p_subject and e.subject_id = p_subject_id and not e.superseded
                and (e.status_rank > p_status_rank
                  or (e.status_rank = p_status_rank and e.occurred_at > p_occurred_at)));
          end if;
          insert into webhook_events as e (event_id, source, type, subject, subject_id, partner_id, status,
            status_rank, occurred_at, payload, superseded)
          values (p_event_id, p_source, p_type, p_subject, p_subject_id, p_partner_id, p_status, p_status_rank,
            p_occurred_at, p_payload, newer)
          on conflict (event_id) do nothing
          returning e.seq into new_seq;
          if new_seq is null then
            return query select e.seq, false, e.superseded from webhook_events e where e.event_id = p_event_id;
            return;
          end if;
          if not newer then
            perform pg_notify(p_channel, new_seq::text);
          end if;
          return query select new_seq, true, newer;
        end
        $$`.execute(db);
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
