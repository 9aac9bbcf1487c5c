import { sql, type CreateTableBuilder, type Kysely, type Migration } from "kysely";

/**
 * The final state types, frozen as they were when this migration was written
 * (a migration must not change when the code around it does).
 */
const FINAL_TYPES = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"];

/**
 * The first schema: flow runs, task runs, their state history and their logs.
 *
 * Written with Kysely's schema builder only (no dialect-specific SQL) so that it runs
 * unchanged on SQLite and PostgreSQL. No foreign keys: the write path appends in
 * bursts, and one dangling reference must not roll back a whole burst (see
 * `docs/metadata-store.md`).
 */
export const initialSchema: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("flow_run")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("flow_name", "text", (c) => c.notNull())
      .addColumn("flow_version", "text")
      .addColumn("parameters", "text", (c) => c.notNull())
      .addColumn("tags", "text", (c) => c.notNull())
      .addColumn("parent_task_run_id", "text")
      .$call(addRunColumns)
      .execute();

    await db.schema
      .createTable("task_run")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("task_key", "text", (c) => c.notNull())
      .addColumn("dynamic_key", "text", (c) => c.notNull())
      .addColumn("flow_run_id", "text")
      .addColumn("cache_key", "text")
      .addColumn("cache_expiration", "text")
      .addColumn("state_data", "text")
      .$call(addRunColumns)
      .execute();

    // States and log lines are append-only. Their primary key follows the insertion order
    // of a run's history ((run_id, seq)), not a random id: a random-key index dirties one
    // page per row and made burst commits about 3x slower (see docs/metadata-store.md).
    await db.schema
      .createTable("run_state")
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("flow_run_id", "text")
      .addColumn("task_run_id", "text")
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("message", "text")
      .addColumn("timestamp", "text", (c) => c.notNull())
      .addColumn("data", "text")
      .addColumn("details", "text")
      .addColumn("seq", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("run_state_pkey", ["run_id", "seq"])
      .execute();

    await db.schema
      .createTable("run_log")
      .addColumn("flow_run_id", "text")
      .addColumn("task_run_id", "text")
      .addColumn("level", "integer", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("timestamp", "text", (c) => c.notNull())
      .addColumn("seq", "bigint", (c) => c.notNull())
      .execute();

    const indexes: [name: string, table: string, columns: string[]][] = [
      ["flow_run_created_idx", "flow_run", ["created desc", "seq desc"]],
      ["flow_run_flow_name_idx", "flow_run", ["flow_name", "created desc"]],
      ["task_run_flow_run_id_idx", "task_run", ["flow_run_id", "created", "seq"]],
      ["run_log_flow_run_id_idx", "run_log", ["flow_run_id", "seq"]],
      ["run_log_task_run_id_idx", "run_log", ["task_run_id", "seq"]],
    ];
    for (const [name, table, columns] of indexes) {
      await db.schema.createIndex(name).on(table).columns(columns).execute();
    }
    // Partial indexes (SQLite and PostgreSQL both have them): only task runs that have a
    // cache key, only runs that are not final yet (what orphan detection scans).
    await db.schema
      .createIndex("task_run_cache_key_idx")
      .on("task_run")
      .column("cache_key")
      .where(sql.ref("cache_key"), "is not", null)
      .execute();
    for (const table of ["flow_run", "task_run"]) {
      await db.schema
        .createIndex(`${table}_unfinished_idx`)
        .on(table)
        .columns(["owner_host", "owner_pid"])
        .where(sql.ref("state_type"), "not in", FINAL_TYPES)
        .execute();
    }
  },

  async down(db: Kysely<any>): Promise<void> {
    for (const table of ["run_log", "run_state", "task_run", "flow_run"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};

/** The columns `flow_run` and `task_run` share: current state, counters, times, owner. */
function addRunColumns<TB extends string, C extends string>(table: CreateTableBuilder<TB, C>) {
  return table
    .addColumn("state_type", "text", (c) => c.notNull())
    .addColumn("state_name", "text", (c) => c.notNull())
    .addColumn("state_message", "text")
    .addColumn("state_timestamp", "text", (c) => c.notNull())
    .addColumn("run_count", "integer", (c) => c.notNull())
    .addColumn("start_time", "text")
    .addColumn("end_time", "text")
    .addColumn("created", "text", (c) => c.notNull())
    .addColumn("owner_host", "text", (c) => c.notNull())
    .addColumn("owner_pid", "integer", (c) => c.notNull())
    .addColumn("owner_engine_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull());
}
