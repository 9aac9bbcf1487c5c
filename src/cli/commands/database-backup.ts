import { resolve } from "node:path";
import { Command } from "commander";
import { backupSqliteDatabase } from "../../database/sqlite/backup-sqlite-database.js";
import { CairnError } from "../../errors/cairn-error.js";
import { parseDatabaseUrl, redactUrlPassword } from "../../settings/index.js";
import { cliIO, cliSettings, print } from "../output.js";
import { formatBytes, progressLine } from "../progress-line.js";

/**
 * `cairn server database backup PATH [--overwrite]`: a consistent copy of the SQLite
 * metadata store, taken with SQLite's online backup while flows and servers keep using it
 * (never copy the file by hand: see docs/metadata-store.md, "Backups"). PostgreSQL is
 * refused with a pointer to `pg_dump`.
 *
 * @example
 * ```sh
 * cairn server database backup /backups/cairn-$(date +%F).db
 * ```
 */
export function databaseBackupCommand(): Command {
  return new Command("backup")
    .description("Copy the SQLite database to PATH safely, while it is in use (SQLite's online backup).")
    .argument("<PATH>", "the backup file to create")
    .option("--overwrite", "replace PATH if it exists")
    .action(async (path: string, options: { overwrite?: boolean }) => {
      const settings = cliSettings();
      const location = parseDatabaseUrl(settings.get("CAIRN_API_DATABASE_URL"));
      if (location.dialect === "postgresql") {
        throw new CairnError(
          "BACKUP_UNSUPPORTED",
          `CAIRN_API_DATABASE_URL is a PostgreSQL database (${redactUrlPassword(location.url)}): back it up with ` +
            `PostgreSQL's own tools, e.g. pg_dump --format=custom --file=${path} "<the database URL>" ` +
            "(restore with pg_restore). `cairn server database backup` copies SQLite stores only.",
          { context: { setting: "CAIRN_API_DATABASE_URL" } },
        );
      }
      if (location.path === ":memory:") {
        throw new CairnError("BACKUP_UNSUPPORTED", "CAIRN_API_DATABASE_URL is an in-memory SQLite database: there is no file to back up.");
      }
      const line = progressLine();
      let result;
      try {
        result = await backupSqliteDatabase(location.path, resolve(cliIO().cwd, path), {
          overwrite: options.overwrite === true,
          onProgress: ({ totalPages, remainingPages }) => {
            const copied = totalPages - remainingPages;
            const percent = totalPages === 0 ? 100 : Math.floor((copied / totalPages) * 100);
            line.update(`Backing up ${location.path}: ${percent}% (${copied}/${totalPages} pages)`);
          },
        });
      } finally {
        line.done();
      }
      const restarted = result.restarts === 0 ? "" : ` (restarted ${result.restarts} time(s): the store was being written meanwhile)`;
      print(`Backed up SQLite at ${location.path} to ${result.path}: ${formatBytes(result.bytes)}, ${result.pages} pages, integrity check ok${restarted}.`);
    });
}
