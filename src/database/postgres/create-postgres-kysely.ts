import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { CairnDatabase } from "../schema.js";
import { PostgresNulPlugin } from "./postgres-nul-plugin.js";

/** Options of {@link createPostgresKysely}. */
export interface PostgresKyselyOptions {
  /**
   * The most connections the pool opens.
   * @default 10
   */
  maxConnections?: number;
}

/**
 * A Kysely instance on a PostgreSQL connection pool (`pg`), for a `postgresql://` URL
 * (user, password, host, port, database and `?sslmode=` as libpq reads them).
 * Destroying the Kysely instance ends the pool.
 *
 * Every column of the metadata store is text or an integer, so the rows read back the
 * same as on SQLite; 64-bit integers (`bigint`, `count(*)`) arrive as strings and are
 * converted where they are read. U+0000 in a string parameter is stored as U+FFFD
 * ({@link PostgresNulPlugin}: PostgreSQL's `text` cannot hold it).
 *
 * @example
 * ```ts
 * const db = createPostgresKysely("postgresql://cairn@127.0.0.1:5432/cairn");
 * await migrateToLatest(db);
 * ```
 */
export function createPostgresKysely(url: string, options: PostgresKyselyOptions = {}): Kysely<CairnDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: Math.max(1, options.maxConnections ?? 10),
    // The pool must not keep an idle process alive (CLI commands, tests).
    allowExitOnIdle: true,
  });
  // An idle connection that the server drops (restart, network) emits an error on the
  // pool; without a listener that error would crash the process. The next query reconnects.
  pool.on("error", () => undefined);
  return new Kysely<CairnDatabase>({ dialect: new PostgresDialect({ pool }), plugins: [new PostgresNulPlugin()] });
}
