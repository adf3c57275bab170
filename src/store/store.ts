import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { IdempotencyStore } from './idempotency.js';
import { migrationProvider } from './migrations.js';
import { PartnerClaimStore } from './partner-claims.js';
import { PartnerLinkStore } from './partner-links.js';
import { WebhookInbox } from './webhook-inbox.js';
import { pglitePool } from './pglite-pool.js';
import type { StoreSchema } from './schema.js';

export interface StoreOptions {
  /** A PostgreSQL server (`postgres://…`). When absent, embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite's data directory; undefined keeps the database in memory (tests). Ignored with `databaseUrl`. */
  dataDir?: string;
  /** An empty PGlite cluster to start from (a `dumpDataDir` tarball) instead of running initdb: tests use it. */
  pgliteTemplate?: Blob;
}

/** The gateway's own data, one instance per process: the one place that holds a database connection. */
export interface Store {
  kind: 'postgres' | 'pglite';
  db: Kysely<StoreSchema>;
  links: PartnerLinkStore;
  /** Which partner owns vendor objects that name none (National Express accounts, card-order references). */
  claims: PartnerClaimStore;
  /** Records that make retried writes happen once (keyed by the client's idempotency key). */
  idempotency: IdempotencyStore;
  /** The webhook inbox (and the ticket-order changes the gateway publishes itself). */
  inbox: WebhookInbox;
  /**
   * LISTEN on a channel: `onNotify` runs for every NOTIFY from any process sharing the database. Resolves once
   * listening; the returned function stops. On a server it holds one dedicated connection (reconnecting after a
   * loss, with a catch-up call so nothing sent meanwhile is missed); on PGlite it is PGlite's own listener.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Opens the database and brings it to the latest migration (concurrent starters wait on the migrator's lock). */
export async function openStore(options: StoreOptions): Promise<Store> {
  let db: Kysely<StoreSchema>;
  let kind: Store['kind'];
  let listen: Store['listen'];
  if (options.databaseUrl) {
    kind = 'postgres';
    const databaseUrl = options.databaseUrl;
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
    listen = (channel, onNotify) => listenOnServer(databaseUrl, channel, onNotify);
  } else {
    kind = 'pglite';
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    // Loaded only when used: a gateway on a PostgreSQL server never holds the embedded database's code.
    const { PGlite } = await import('@electric-sql/pglite');
    const embedded = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.pgliteTemplate ? { loadDataDir: options.pgliteTemplate } : {}),
    });
    db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool: pglitePool(embedded) }) });
    listen = async (channel, onNotify) => {
      const stop = await embedded.listen(channel, () => onNotify());
      return () => stop();
    };
  }
  // Kysely looks for its migration table in every schema unless told which: another schema's table (another
  // app's, or a parallel test's) would pass for ours. Ours lives where our tables do: the connection's schema.
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const { error, results } = await new Migrator({
    db,
    provider: migrationProvider,
    ...(rows[0]?.schema ? { migrationTableSchema: rows[0].schema } : {}),
  }).migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`The ${kind} database could not be migrated (migration ${failed}).`, { cause: error });
  }
  return {
    kind,
    db,
    links: new PartnerLinkStore(db),
    claims: new PartnerClaimStore(db),
    idempotency: new IdempotencyStore(db),
    inbox: new WebhookInbox(db),
    listen,
    close: () => db.destroy(),
  };
}

/**
 * A dedicated connection for LISTEN (pooled connections come and go, and a LISTEN belongs to its connection).
 * After a lost connection it reconnects with backoff and calls `onNotify` once, so readers look again for
 * anything sent while it was away.
 */
async function listenOnServer(
  url: string,
  channel: string,
  onNotify: () => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    next.on('error', () => {
      if (stopped) return;
      void next.end().catch(() => undefined);
      setTimeout(() => void reconnect(), 1_000).unref();
    });
    await next.connect();
    await next.query(`LISTEN ${pgIdentifier(channel)}`);
    client = next;
  };
  const reconnect = async (): Promise<void> => {
    if (stopped) return;
    try {
      await connect();
      onNotify();
    } catch {
      setTimeout(() => void reconnect(), 1_000).unref();
    }
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => undefined);
  };
}

function pgIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a plain channel name: ${name}`);
  return name;
}
