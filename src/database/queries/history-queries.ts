import type { Kysely } from "kysely";
import type { LogQuery } from "../../records/index.js";
import type { CairnDatabase } from "../schema.js";

/** The states of a flow run or a task run, in the order they were recorded. */
export function selectStates(db: Kysely<CairnDatabase>, runId: string) {
  return db.selectFrom("run_state").selectAll().where("run_id", "=", runId).orderBy("seq", "asc");
}

/** Log lines, in the order they were recorded, filtered as {@link LogQuery} says. */
export function selectLogs(db: Kysely<CairnDatabase>, query: LogQuery) {
  let q = db.selectFrom("run_log").selectAll();
  if (query.flowRunId !== undefined) q = q.where("flow_run_id", "=", query.flowRunId);
  if (query.taskRunId !== undefined) q = q.where("task_run_id", "=", query.taskRunId);
  if (query.minLevel !== undefined) q = q.where("level", ">=", query.minLevel);
  q = q.orderBy("seq", "asc");
  if (query.limit !== undefined) q = q.limit(query.limit);
  return q;
}
