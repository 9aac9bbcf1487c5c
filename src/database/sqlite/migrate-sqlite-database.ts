import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import { migrateToLatest } from "../migrate-to-latest.js";

/**
 * Brings a SQLite metadata store up to date, safely when several processes open the same
 * fresh file at once.
 *
 * Kysely's SQLite adapter has no cross-process migration lock, and a deferred transaction
 * that reads and then writes fails at once (`SQLITE_BUSY_SNAPSHOT`) when another process
 * wrote in between. So the whole migration runs inside one `BEGIN IMMEDIATE` transaction
 * on the shared connection: the second process waits (busy timeout) for the first one to
 * commit, then finds nothing left to do.
 *
 * @param sqlite the connection `db` runs on.
 * @returns the names of the migrations applied.
 */
export async function migrateSqliteDatabase(
  sqlite: Database.Database,
  db: Kysely<any>,
): Promise<string[]> {
  sqlite.exec("BEGIN IMMEDIATE");
  try {
    const applied = await migrateToLatest(db, { disableTransactions: true });
    sqlite.exec("COMMIT");
    return applied;
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    throw err;
  }
}
