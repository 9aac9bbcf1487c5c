import { sql, type Kysely, type Migration } from "kysely";

/**
 * Indexes for the web UI's read routes (`docs/ui.md`):
 * - `task_run_task_key_idx`: a task's runs, oldest first (the cache page, `GET /task-runs?taskKey=`);
 * - `flow_run_parent_task_run_id_idx`: the subflow runs of a flow run's task runs (partial: subflows only);
 * - `flow_run_state_type_idx`: the runs list filtered by a state type, newest first, without
 *   scanning the runs in other states (a state few runs are in, e.g. FAILED, stays fast).
 *
 * Written with Kysely's schema builder only, like `001-initial-schema`: it runs unchanged
 * on SQLite and PostgreSQL.
 *
 * @example
 * ```ts
 * CAIRN_MIGRATIONS["005-ui-indexes"] === uiIndexesSchema; // listed in migration-provider.ts
 * ```
 */
export const uiIndexesSchema: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.createIndex("task_run_task_key_idx").on("task_run").columns(["task_key", "created", "seq"]).execute();
    await db.schema
      .createIndex("flow_run_parent_task_run_id_idx")
      .on("flow_run")
      .column("parent_task_run_id")
      .where(sql.ref("parent_task_run_id"), "is not", null)
      .execute();
    await db.schema.createIndex("flow_run_state_type_idx").on("flow_run").columns(["state_type", "created desc", "seq desc"]).execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex("flow_run_state_type_idx").execute();
    await db.schema.dropIndex("flow_run_parent_task_run_id_idx").execute();
    await db.schema.dropIndex("task_run_task_key_idx").execute();
  },
};
