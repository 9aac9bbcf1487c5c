import type { Kysely } from "kysely";
import type { CairnDatabase, FlowRunTable, RunLogTable, RunStateTable, TaskRunTable } from "../schema.js";
import { FLOW_RUN_COLUMNS } from "../rows/flow-run-row.js";
import { TASK_RUN_COLUMNS } from "../rows/task-run-row.js";

/**
 * The statements of the write path, built with Kysely so that they are the same on
 * every dialect. Runs are upserted by id (the newest version wins, but a row keeps the
 * `seq` of its first insertion); states and log lines are appended.
 */

/** Columns an upsert overwrites: all but the id and the first-insertion `seq`. */
function updatableColumns<C extends string>(columns: readonly C[]): C[] {
  return columns.filter((c) => c !== "id" && c !== "seq");
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
