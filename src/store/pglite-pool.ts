import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

type Command = PostgresQueryResult<unknown>['command'];
const COMMANDS = new Set<string>(['UPDATE', 'DELETE', 'INSERT', 'SELECT', 'MERGE', 'COMMIT', 'ROLLBACK']);

/**
 * Embedded PGlite behind the small pool interface Kysely's own PostgresDialect speaks, so both databases share
 * one dialect, one query compiler and one migrator. PGlite is a single connection: a "connection" here is the
 * exclusive use of it, handed out in turn, so one transaction's statements never interleave with another's.
 */
export function pglitePool(database: PGlite): PostgresPool {
  let tail: Promise<void> = Promise.resolve();
  return {
    options: {},
    async connect(): Promise<PostgresPoolClient> {
      let release!: () => void;
      const previous = tail;
      tail = new Promise<void>((resolve) => (release = resolve));
      await previous;
      let released = false;
      const client = {
        async query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
          const result = await database.query<R>(sql, [...parameters]);
          const verb = sql.trimStart().split(/\s/, 1)[0]?.toUpperCase() ?? '';
          return {
            command: (COMMANDS.has(verb) ? verb : 'SELECT') as Command,
            rowCount: result.affectedRows ?? result.rows.length,
            rows: result.rows,
          };
        },
        release() {
          if (released) return;
          released = true;
          release();
        },
      };
      return client as unknown as PostgresPoolClient;
    },
    async end() {
      await database.close();
    },
  };
}
