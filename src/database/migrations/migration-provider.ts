import type { Migration, MigrationProvider } from "kysely";
import { initialSchema } from "./001-initial-schema.js";
import { blocksSchema } from "./002-blocks.js";
import { writeBatchesSchema } from "./003-write-batches.js";
import { uiIndexesSchema } from "./005-ui-indexes.js";

/**
 * Every migration of the metadata store, by name. Kysely's `Migrator` runs them in
 * the order of their names, so names start with a zero-padded number.
 * Add a migration: write `NNN-name.ts` next to this file and list it here.
 */
export const CAIRN_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  "001-initial-schema": initialSchema,
  "002-blocks": blocksSchema,
  "003-write-batches": writeBatchesSchema,
  "005-ui-indexes": uiIndexesSchema,
});

/**
 * A static {@link MigrationProvider}: migrations are imported, not discovered on
 * disk, so they survive bundling and work from the compiled package.
 *
 * @example
 * ```ts
 * new Migrator({ db, provider: new CairnMigrationProvider() });
 * ```
 */
export class CairnMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...CAIRN_MIGRATIONS };
  }
}
