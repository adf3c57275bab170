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
  '0005_record_webhook_events': {
    async up(db: Kysely<unknown>) {
      // Inbox writes in one statement (see WebhookInbox.record): the inbox lock is then held for the server's
      // own work and one commit, never across a writer's round trips, and a batch of events shares that commit.
      // Events are handled in array order, each seeing the ones before it, exactly as if written one by one.
      // Arguments are named p_*, results out_*, so neither is ever mistaken for a column.
      await sql`
        create function record_webhook_events(p_lock bigint, p_channel text, p_events jsonb)
        returns table (out_index integer, out_seq bigint, out_inserted boolean, out_superseded boolean)
        language plpgsql as $$
        declare
          ev jsonb;
          idx integer;
          newer boolean;
          new_seq bigint;
        begin
          perform pg_advisory_xact_lock(p_lock);
          for ev, idx in select value, ordinality::integer from jsonb_array_elements(p_events) with ordinality
          loop
            newer := false;
            if ev->>'status_rank' is not null then
              newer := exists (
                select 1 from webhook_events e
                where e.subject = ev->>'subject' and e.subject_id = ev->>'subject_id' and not e.superseded
                  and (e.status_rank > (ev->>'status_rank')::integer
                    or (e.status_rank = (ev->>'status_rank')::integer
                      and e.occurred_at > (ev->>'occurred_at')::timestamptz)));
            end if;
            new_seq := null;
            insert into webhook_events as e (event_id, source, type, subject, subject_id, partner_id, status,
              status_rank, occurred_at, payload, superseded)
            values (ev->>'event_id', ev->>'source', ev->>'type', ev->>'subject', ev->>'subject_id',
              ev->>'partner_id', ev->>'status', (ev->>'status_rank')::integer,
              (ev->>'occurred_at')::timestamptz, ev->'payload', newer)
            on conflict (event_id) do nothing
            returning e.seq into new_seq;
            if new_seq is null then
              return query select idx, e.seq, false, e.superseded
                from webhook_events e where e.event_id = ev->>'event_id';
            else
              if not newer then
                perform pg_notify(p_channel, new_seq::text);
              end if;
              return query select idx, new_seq, true, newer;
            end if;
          end loop;
        end
        $$`.execute(db);
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
