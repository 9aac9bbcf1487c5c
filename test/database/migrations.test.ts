import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Migrator, NO_MIGRATIONS, type Kysely } from "kysely";
import type Database from "better-sqlite3";
import { migrateToLatest } from "../../src/database/migrate-to-latest.js";
import { CAIRN_MIGRATIONS, CairnMigrationProvider } from "../../src/database/migrations/migration-provider.js";
import { selectUnfinishedTaskRuns } from "../../src/database/queries/orphan-queries.js";
import type { CairnDatabase } from "../../src/database/schema.js";
import { createSqliteDatabase } from "../../src/database/sqlite/create-sqlite-database.js";
import { createSqliteKysely } from "../../src/database/sqlite/create-sqlite-kysely.js";
import { migrateSqliteDatabase } from "../../src/database/sqlite/migrate-sqlite-database.js";

async function withDatabase(
  fn: (sqlite: Database.Database, db: Kysely<CairnDatabase>, path: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cairn-db-"));
  const path = join(dir, "deep", "er", "cairn.db");
  const sqlite = createSqliteDatabase(path);
  const db = createSqliteKysely(sqlite);
  try {
    await fn(sqlite, db, path);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("createSqliteDatabase", () => {
  test("creates the folder and opens the file in WAL mode with the store's pragmas", async () => {
    await withDatabase(async (sqlite) => {
      assert.equal(sqlite.pragma("journal_mode", { simple: true }), "wal");
      assert.equal(sqlite.pragma("busy_timeout", { simple: true }), 5000);
      assert.equal(sqlite.pragma("synchronous", { simple: true }), 1); // NORMAL
      assert.equal(sqlite.pragma("foreign_keys", { simple: true }), 1);
    });
  });

  test("accepts :memory:", () => {
    const sqlite = createSqliteDatabase(":memory:");
    assert.equal(sqlite.memory, true);
    sqlite.close();
  });
});

describe("migrations", () => {
  test("are named NNN-name and applied in order", () => {
    const names = Object.keys(CAIRN_MIGRATIONS);
    assert.ok(names.every((n) => /^\d{3}-[a-z0-9-]+$/.test(n)), names.join());
    assert.deepEqual([...names].sort(), names);
  });

  test("create the tables and indexes, once", async () => {
    await withDatabase(async (sqlite, db) => {
      assert.deepEqual(await migrateSqliteDatabase(sqlite, db), ["001-initial-schema", "002-blocks", "003-write-batches", "005-ui-indexes"]);
      assert.deepEqual(await migrateSqliteDatabase(sqlite, db), []);
      const tables = (await db.introspection.getTables()).map((t) => t.name).sort();
      assert.deepEqual(tables, ["block_document", "cairn_migration", "cairn_migration_lock", "flow_run", "run_log", "run_state", "task_run", "write_batch"]);
      const indexes = sqlite
        .prepare("select name from sqlite_master where type = 'index' and name not like 'sqlite_%' order by name")
        .pluck()
        .all();
      assert.deepEqual(indexes, [
        "block_document_config_hash_key",
        "block_document_slug_key",
        "flow_run_created_idx",
        "flow_run_flow_name_idx",
        "flow_run_parent_task_run_id_idx",
        "flow_run_state_type_idx",
        "flow_run_unfinished_idx",
        "run_log_flow_run_id_idx",
        "run_log_task_run_id_idx",
        "task_run_cache_key_idx",
        "task_run_flow_run_id_idx",
        "task_run_task_key_idx",
        "task_run_unfinished_idx",
        "write_batch_applied_idx",
      ]);
    });
  });

  test("orphan detection scans only the partial index of unfinished runs", async () => {
    await withDatabase(async (sqlite, db) => {
      await migrateSqliteDatabase(sqlite, db);
      const query = selectUnfinishedTaskRuns(db, "host").compile();
      const plan = sqlite.prepare(`explain query plan ${query.sql}`).all(...query.parameters) as { detail: string }[];
      assert.match(plan.map((p) => p.detail).join("\n"), /USING INDEX task_run_unfinished_idx/);
    });
  });

  test("cache-key lookups use the cache key index", async () => {
    await withDatabase(async (sqlite, db) => {
      await migrateSqliteDatabase(sqlite, db);
      const query = db.selectFrom("task_run").selectAll().where("cache_key", "=", "k").compile();
      const plan = sqlite.prepare(`explain query plan ${query.sql}`).all(...query.parameters) as { detail: string }[];
      assert.match(plan.map((p) => p.detail).join("\n"), /USING INDEX task_run_cache_key_idx/);
    });
  });

  test("migrate down to nothing and up again (plain Kysely Migrator, its own transactions)", async () => {
    await withDatabase(async (_sqlite, db) => {
      assert.deepEqual(await migrateToLatest(db), ["001-initial-schema", "002-blocks", "003-write-batches", "005-ui-indexes"]);
      const migrator = new Migrator({
        db,
        provider: new CairnMigrationProvider(),
        migrationTableName: "cairn_migration",
        migrationLockTableName: "cairn_migration_lock",
      });
      const down = await migrator.migrateTo(NO_MIGRATIONS);
      assert.equal(down.error, undefined);
      const left = (await db.introspection.getTables()).map((t) => t.name).sort();
      assert.deepEqual(left, ["cairn_migration", "cairn_migration_lock"]);
      assert.deepEqual(await migrateToLatest(db), ["001-initial-schema", "002-blocks", "003-write-batches", "005-ui-indexes"]);
    });
  });
});
