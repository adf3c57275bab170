import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { IdempotencyStore } from './idempotency.js';
import { migrationProvider } from './migrations.js';
import { PartnerLinkStore } from './partner-links.js';
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
  /** Records that make retried writes happen once (keyed by the client's idempotency key). */
  idempotency: IdempotencyStore;
  close(): Promise<void>;
}

/** Opens the database and brings it to the latest migration (concurrent starters wait on the migrator's lock). */
export async function openStore(options: StoreOptions): Promise<Store> {
  let db: Kysely<StoreSchema>;
  let kind: Store['kind'];
  if (options.databaseUrl) {
    kind = 'postgres';
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
  } else {
    kind = 'pglite';
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const embedded = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.pgliteTemplate ? { loadDataDir: options.pgliteTemplate } : {}),
    });
    db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool: pglitePool(embedded) }) });
  }
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`The ${kind} database could not be migrated (migration ${failed}).`, { cause: error });
  }
  return {
    kind,
    db,
    links: new PartnerLinkStore(db),
    idempotency: new IdempotencyStore(db),
    close: () => db.destroy(),
  };
}
