import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/** How long a connection waits for another process's write lock before giving up. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating it and its folder if needed) a SQLite database file with better-sqlite3,
 * configured for the metadata store:
 *
 * - `journal_mode = WAL`: readers never block the writer, and several processes can
 *   share one file;
 * - `busy_timeout = 5000`: a writer waits up to 5 s for another process's write lock;
 * - `synchronous = NORMAL`: commits are atomic and survive a crash of the process; a power
 *   loss may roll back the last commits (WAL's usual trade-off);
 * - `foreign_keys = ON`.
 *
 * @param path a file path, or `":memory:"` for a private in-memory database.
 * @param options.busyTimeoutMs how long to wait for another process's lock (tests shorten it).
 *
 * @example
 * ```ts
 * const sqlite = createSqliteDatabase("/home/me/.cairn/cairn.db");
 * ```
 */
export function createSqliteDatabase(
  path: string,
  options: { busyTimeoutMs?: number } = {},
): Database.Database {
  const inMemory = path === ":memory:" || path === "";
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // busy_timeout first: switching a fresh file to WAL needs a lock another process may hold.
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS))}`);
    if (!inMemory) db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
