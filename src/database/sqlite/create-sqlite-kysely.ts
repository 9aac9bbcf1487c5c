import type Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { CairnDatabase } from "../schema.js";

/**
 * A Kysely instance over an open better-sqlite3 connection (no pool: SQLite has one
 * connection per process). Destroying the Kysely instance closes the connection.
 *
 * @example
 * ```ts
 * const db = createSqliteKysely(createSqliteDatabase(path));
 * ```
 */
export function createSqliteKysely(sqlite: Database.Database): Kysely<CairnDatabase> {
  return new Kysely<CairnDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
}
