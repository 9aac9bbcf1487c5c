import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import { CairnError } from "../../errors/cairn-error.js";
import { SQLITE_BUSY_TIMEOUT_MS } from "./create-sqlite-database.js";

/** The stable codes of the errors {@link backupSqliteDatabase} throws. */
export const BackupErrorCode = {
  /** There is no database file at the source path. */
  SourceMissing: "BACKUP_SOURCE_MISSING",
  /** The destination exists and `overwrite` was not given, or it is the source itself. */
  DestinationExists: "BACKUP_DESTINATION_EXISTS",
  /** SQLite could not copy, or the copy failed its integrity check. */
  Failed: "BACKUP_FAILED",
} as const;

/** Progress of a backup: pages copied so far, out of the source's pages. */
export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
  /** How many times SQLite started over because another connection wrote to the source. */
  restarts: number;
}

/** Options of {@link backupSqliteDatabase}. */
export interface BackupSqliteOptions {
  /** Replace the destination when it exists. @default false */
  overwrite?: boolean;
  /** Called after each step of the copy. */
  onProgress?: (progress: BackupProgress) => void;
  /**
   * Pages copied per step (the event loop turns between steps). A write by another
   * process between two steps makes SQLite start over; after
   * {@link BackupSqliteOptions.maxRestarts} restarts the rest is copied in one step.
   * @default 4096 (16 MiB with 4 KiB pages)
   */
  pagesPerStep?: number;
  /** @default 3 */
  maxRestarts?: number;
}

/** What {@link backupSqliteDatabase} did. */
export interface BackupResult {
  /** The absolute path of the backup. */
  path: string;
  bytes: number;
  pages: number;
  restarts: number;
}

/**
 * Copies a live SQLite database to `destination` with SQLite's online backup API
 * (better-sqlite3 `backup()`): a consistent snapshot, taken while other processes keep
 * reading and writing the source, without touching their connections. Copying the file
 * by hand is unsafe twice over: the copy can miss the commits still in the `-wal` file or
 * catch a page mid-write, and opening and closing the file with `fs` inside a process that
 * holds a connection to it drops that process's SQLite locks (POSIX advisory locks are
 * per process), after which its writes can corrupt the database.
 *
 * The copy goes to a temporary file beside the destination, is switched to
 * `journal_mode = DELETE` (one self-contained file, no `-wal` to carry along), passes
 * `PRAGMA quick_check`, and is then renamed into place: the destination is either the old
 * file or a complete backup.
 *
 * @throws {CairnError} `BACKUP_SOURCE_MISSING`, `BACKUP_DESTINATION_EXISTS`, `BACKUP_FAILED`.
 *
 * @example
 * ```ts
 * const result = await backupSqliteDatabase("/home/me/.cairn/cairn.db", "/backups/cairn-2024-06-01.db");
 * console.log(result.bytes);
 * ```
 */
export async function backupSqliteDatabase(source: string, destination: string, options: BackupSqliteOptions = {}): Promise<BackupResult> {
  const from = resolve(source);
  const to = resolve(destination);
  if (!existsSync(from)) {
    throw new CairnError(
      BackupErrorCode.SourceMissing,
      `There is no database to back up at ${from}: nothing was written. Check CAIRN_API_DATABASE_URL (and CAIRN_HOME).`,
      { context: { source: from } },
    );
  }
  assertDestination(from, to, options.overwrite === true);
  mkdirSync(dirname(to), { recursive: true });
  const temporary = join(dirname(to), `.${basename(to)}.${randomBytes(8).toString("hex")}.tmp`);

  const db = new Database(from, { fileMustExist: true });
  let restarts = 0;
  try {
    db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    const step = Math.max(1, Math.trunc(options.pagesPerStep ?? 4096));
    const maxRestarts = options.maxRestarts ?? 3;
    let lastRemaining = Number.POSITIVE_INFINITY;
    const done = await db.backup(temporary, {
      progress: ({ totalPages, remainingPages }) => {
        // Each step copies pages: remaining pages that do not go down mean SQLite started over.
        if (remainingPages >= lastRemaining) restarts++;
        lastRemaining = remainingPages;
        options.onProgress?.({ totalPages, remainingPages, restarts });
        // Under steady writes by others, copy the rest in one step (one read transaction).
        return restarts >= maxRestarts ? 0x7fffffff : step;
      },
    });
    options.onProgress?.({ totalPages: done.totalPages, remainingPages: 0, restarts });
    finishCopy(temporary);
    renameSync(temporary, to);
    return { path: to, bytes: statSync(to).size, pages: done.totalPages, restarts };
  } catch (err) {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(temporary + suffix, { force: true });
    if (err instanceof CairnError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new CairnError(
      BackupErrorCode.Failed,
      `Could not back up ${from} to ${to}: ${reason}. Nothing was written at ${to}; check the free space and ` +
        "permissions there, and try again.",
      { cause: err, context: { source: from, destination: to } },
    );
  } finally {
    db.close();
  }
}

function assertDestination(from: string, to: string, overwrite: boolean): void {
  if (to === from || ["-wal", "-shm", "-journal"].some((suffix) => to === from + suffix)) {
    throw new CairnError(
      BackupErrorCode.DestinationExists,
      `The backup would overwrite the database itself (${from}): choose another path. Nothing was written.`,
      { context: { source: from, destination: to } },
    );
  }
  if (!existsSync(to)) return;
  if (statSync(to).isDirectory()) {
    throw new CairnError(
      BackupErrorCode.DestinationExists,
      `${to} is a directory: give the path of the backup file to create, e.g. ${join(to, "cairn-backup.db")}. Nothing was written.`,
      { context: { destination: to } },
    );
  }
  if (!overwrite) {
    throw new CairnError(
      BackupErrorCode.DestinationExists,
      `${to} already exists: nothing was written. Pass --overwrite to replace it, or choose another path.`,
      { context: { destination: to } },
    );
  }
  if (existsSync(`${to}-wal`) || existsSync(`${to}-shm`)) {
    throw new CairnError(
      BackupErrorCode.DestinationExists,
      `${to} looks like a database in use (${to}-wal or ${to}-shm exists): refusing to replace it. Stop what uses ` +
        "it, or choose another path. Nothing was written.",
      { context: { destination: to } },
    );
  }
}

/** Makes the copy one self-contained file (no WAL) and checks it. */
function finishCopy(file: string): void {
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma("journal_mode = DELETE");
    const check = copy.pragma("quick_check", { simple: true });
    if (check !== "ok") {
      throw new CairnError(BackupErrorCode.Failed, `The backup copy failed SQLite's quick_check (${String(check)}): it was discarded.`, {
        context: { check },
      });
    }
  } finally {
    copy.close();
  }
}
