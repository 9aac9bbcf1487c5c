import { Migrator, type Kysely } from "kysely";
import { CairnMigrationProvider } from "./migrations/migration-provider.js";
import { MigrationError } from "./migration-error.js";

/** Options of {@link migrateToLatest}. */
export interface MigrateOptions {
  /**
   * Run without Kysely's own transaction, because the caller already holds one
   * (the SQLite opener wraps the whole migration in `BEGIN IMMEDIATE`).
   * @default false
   */
  disableTransactions?: boolean;
}

/**
 * Applies every pending migration of the metadata store, in order, through Kysely's
 * `Migrator`. Works on any dialect Kysely supports.
 *
 * @returns the names of the migrations it applied (empty when already up to date).
 * @throws {@link MigrationError} naming the migration that failed.
 *
 * @example
 * ```ts
 * await migrateToLatest(db); // ["001-initial-schema"] on a fresh database
 * ```
 */
export async function migrateToLatest(
  db: Kysely<any>,
  options: MigrateOptions = {},
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new CairnMigrationProvider(),
    migrationTableName: "cairn_migration",
    migrationLockTableName: "cairn_migration_lock",
    disableTransactions: options.disableTransactions ?? false,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === "Error")?.migrationName;
    const what = failed === undefined ? "the migration tables" : `migration "${failed}"`;
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      `Could not update the metadata store's schema: ${what} failed (${reason}). ` +
        "The database was left as it was before that migration; check that it is a Cairn " +
        "database and that this version of Cairn is not older than the one that last wrote it.",
      { cause: error, context: failed === undefined ? {} : { migration: failed } },
    );
  }
  return results.filter((r) => r.status === "Success").map((r) => r.migrationName);
}
