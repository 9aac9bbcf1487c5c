import { createSqliteDatabase } from "../../database/sqlite/create-sqlite-database.js";
import { createSqliteKysely } from "../../database/sqlite/create-sqlite-kysely.js";
import { migrateSqliteDatabase } from "../../database/sqlite/migrate-sqlite-database.js";
import { EmbeddedClient, type EmbeddedClientOptions } from "./embedded-client.js";

/** Options of {@link openEmbeddedClient}. */
export interface OpenEmbeddedClientOptions extends EmbeddedClientOptions {
  /** The SQLite database file (created, with its folder, if missing), or `":memory:"`. */
  path: string;
}

/**
 * Opens the embedded metadata store at `path`: opens the SQLite file (WAL, busy timeout
 * 5 s), brings its schema up to date, and returns a client on it. Several processes may
 * open the same file at once.
 *
 * @example
 * ```ts
 * const client = await openEmbeddedClient({ path: join(cairnHome, "cairn.db") });
 * try {
 *   const runs = await client.readFlowRuns({ limit: 10 });
 * } finally {
 *   await client.close();
 * }
 * ```
 */
export async function openEmbeddedClient(options: OpenEmbeddedClientOptions): Promise<EmbeddedClient> {
  const { path, ...clientOptions } = options;
  const { busyTimeoutMs } = options;
  const sqlite = createSqliteDatabase(path, busyTimeoutMs === undefined ? {} : { busyTimeoutMs });
  const db = createSqliteKysely(sqlite);
  try {
    await migrateSqliteDatabase(sqlite, db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const client = new EmbeddedClient(sqlite, db, path, { ...clientOptions, busyTimeoutMs });
  if (options.writerThread === true) {
    try {
      await client.writerThreadReady();
    } catch (err) {
      await client.close();
      throw err;
    }
  }
  return client;
}
