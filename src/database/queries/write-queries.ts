import type { Kysely } from "kysely";
import type { CairnDatabase, FlowRunTable, RunLogTable, RunStateTable, TaskRunTable } from "../schema.js";
import { FLOW_RUN_COLUMNS } from "../rows/flow-run-row.js";
import { TASK_RUN_COLUMNS } from "../rows/task-run-row.js";

/**
 * The statements of the write path, built with Kysely so that they are the same on
 * every dialect. Runs are upserted by id (the newest version wins, but a row keeps its
 * identity columns from its first insertion: see {@link updatableColumns}); states and log
 * lines are appended.
 */

/** What a run row keeps from its first insertion (see {@link updatableColumns}). */
const IDENTITY_COLUMNS: ReadonlySet<string> = new Set([
  "id", "seq", "created", "name", "flow_run_id", "task_key", "dynamic_key", "flow_name", "parent_task_run_id",
]);

/**
 * Columns an upsert overwrites: all but those a run never changes once created — its id,
 * the first-insertion `seq`, its name, what it belongs to and when it was created. SQLite
 * rewrites every index that has a column in the `SET` list, changed or not: leaving these
 * out spares the indexes on `(flow_run_id, created, seq)`, `(task_key, created, seq)`,
 * `(created, seq)` and `(flow_name, created)` a delete and an insert per state change.
 * The engine changes none of these but `created`, when a flow retry runs a task run again:
 * the stored first `created` stays. (Within one burst the queue keeps only a run's newest
 * version, so a run first recorded and changed in the same burst is inserted as the newest.)
 */
export function updatableColumns<C extends string>(columns: readonly C[]): C[] {
  return columns.filter((c) => !IDENTITY_COLUMNS.has(c));
}

const FLOW_RUN_UPDATES = updatableColumns(FLOW_RUN_COLUMNS);
const TASK_RUN_UPDATES = updatableColumns(TASK_RUN_COLUMNS);

/** `excluded.<col>` for every column: "take the value of the row being inserted". */
function fromExcluded(columns: readonly string[]) {
  return (eb: { ref(ref: string): unknown }) =>
    Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}`)]));
}

/** Inserts flow runs, or overwrites the rows that have their ids. */
export function upsertFlowRuns(db: Kysely<CairnDatabase>, rows: readonly FlowRunTable[]) {
  return db
    .insertInto("flow_run")
    .values(rows)
    .onConflict((oc) => oc.column("id").doUpdateSet(fromExcluded(FLOW_RUN_UPDATES) as never));
}

/** Inserts task runs, or overwrites the rows that have their ids. */
export function upsertTaskRuns(db: Kysely<CairnDatabase>, rows: readonly TaskRunTable[]) {
  return db
    .insertInto("task_run")
    .values(rows)
    .onConflict((oc) => oc.column("id").doUpdateSet(fromExcluded(TASK_RUN_UPDATES) as never));
}

/** Appends states to their runs' histories. */
export function insertStates(db: Kysely<CairnDatabase>, rows: readonly RunStateTable[]) {
  return db.insertInto("run_state").values(rows);
}

/** Appends log lines. */
export function insertLogs(db: Kysely<CairnDatabase>, rows: readonly RunLogTable[]) {
  return db.insertInto("run_log").values(rows);
}
