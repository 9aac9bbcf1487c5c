import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Migrator } from "kysely";
import { openEmbeddedClient } from "../../src/client/embedded/open-embedded-client.js";
import { CairnMigrationProvider } from "../../src/database/migrations/migration-provider.js";
import { createSqliteDatabase } from "../../src/database/sqlite/create-sqlite-database.js";
import { createSqliteKysely } from "../../src/database/sqlite/create-sqlite-kysely.js";
import { runBlockDocumentContract } from "./block-documents.contract.js";

runBlockDocumentContract("embedded (SQLite file)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-blocks-"));
  const path = join(dir, "cairn.db");
  return {
    open: () => openEmbeddedClient({ path }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

void describe("migration 002-blocks", () => {
  void it("upgrades a store created before blocks existed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-blocks-upgrade-"));
    const path = join(dir, "cairn.db");
    try {
      const sqlite = createSqliteDatabase(path);
      const db = createSqliteKysely(sqlite);
      const migrator = new Migrator({
        db,
        provider: new CairnMigrationProvider(),
        migrationTableName: "cairn_migration",
        migrationLockTableName: "cairn_migration_lock",
      });
      assert.equal((await migrator.migrateTo("001-initial-schema")).error, undefined);
      await db.destroy();
      const client = await openEmbeddedClient({ path });
      try {
        await client.saveBlockDocument({ blockTypeSlug: "local-file-system", name: "after-upgrade", data: { basepath: "/r" }, secretFields: [] });
        assert.equal((await client.readBlockDocuments()).length, 1);
      } finally {
        await client.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
