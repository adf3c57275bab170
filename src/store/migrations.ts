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
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
