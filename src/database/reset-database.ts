import { Migrator, NO_MIGRATIONS, type Kysely } from "kysely";
import { MigrationError } from "./migration-error.js";
import { CairnMigrationProvider } from "./migrations/migration-provider.js";
import { migrateToLatest } from "./migrate-to-latest.js";

/**
 * Deletes every table of the metadata store (each migration's `down`, newest first) and
 * creates them again, empty. Everything recorded is lost: callers ask first.
 *
 * @returns the names of the migrations applied after the reset.
 * @example
 * ```ts
 * await resetDatabase(db); // ["001-initial-schema", ...]
 * ```
 */
export async function resetDatabase(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new CairnMigrationProvider(),
    migrationTableName: "cairn_migration",
    migrationLockTableName: "cairn_migration_lock",
  });
  const { error } = await migrator.migrateTo(NO_MIGRATIONS);
  if (error !== undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Could not reset the metadata store: ${reason}.`, { cause: error });
  }
  return migrateToLatest(db);
}
