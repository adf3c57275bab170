import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL server, as `.ci/run` exports it; the default matches the developer machines. */
export const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ScratchSchema {
  /** A URL whose connections use only this schema (search_path), so test runs never see each other's tables. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh schema on the real server, or a reason to skip when no server answers (the suite must pass where
 * none runs). Never touches anything but its own schema.
 */
export async function scratchSchema(): Promise<ScratchSchema | { skip: string }> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
  } catch (error) {
    return {
      skip: `no PostgreSQL server at ${SERVER_URL} (${(error as Error).message}); set TEST_DATABASE_URL`,
    };
  }
  const schema = `gateway_test_${randomBytes(6).toString('hex')}`;
  try {
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  const url = new URL(SERVER_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const cleaner = new pg.Client({ connectionString: SERVER_URL });
      await cleaner.connect();
      await cleaner.query(`drop schema if exists ${schema} cascade`);
      await cleaner.end();
    },
  };
}
