import type { Kysely } from "kysely";
import type { CairnDatabase } from "../schema.js";

/** The task runs of a flow run, oldest first, with the columns a timeline needs. */
export function selectTimelineTaskRuns(db: Kysely<CairnDatabase>, flowRunId: string, limit: number) {
  return db
    .selectFrom("task_run")
    .select([
      "id", "name", "state_type", "state_name", "state_message", "state_timestamp",
      "start_time", "end_time", "created", "run_count",
    ])
    .where("flow_run_id", "=", flowRunId)
    .orderBy("created", "asc")
    .orderBy("seq", "asc")
    .limit(limit);
}

/**
 * The states of the task runs of a flow run whose row does not tell their attempts
 * (retried, or waiting for a retry: see `rowTellsAttempts`), in each run's recording
 * order, without their data. Goes through the task runs of the flow run (an index), then
 * each such run's states (the primary key).
 */
export function selectRetriedTaskRunStates(db: Kysely<CairnDatabase>, flowRunId: string) {
  return db
    .selectFrom("task_run as t")
    .innerJoin("run_state as s", "s.run_id", "t.id")
    .select(["s.run_id", "s.type", "s.name", "s.message", "s.timestamp"])
    .where("t.flow_run_id", "=", flowRunId)
    .where((eb) => eb.or([eb("t.run_count", ">", 1), eb("t.state_type", "in", ["SCHEDULED", "PAUSED"])]))
    .where("s.type", "<>", "PENDING")
    .orderBy("s.run_id")
    .orderBy("s.seq");
}

/** The subflow runs started by the task runs of a flow run: their ids and parent task run ids. */
export function selectSubflowRuns(db: Kysely<CairnDatabase>, flowRunId: string) {
  return db
    .selectFrom("task_run as t")
    .innerJoin("flow_run as f", "f.parent_task_run_id", "t.id")
    .select(["f.id", "f.parent_task_run_id", "f.name", "f.flow_name", "f.state_type", "f.state_name"])
    .where("t.flow_run_id", "=", flowRunId);
}

/** The subflow run a task run stands for, if it is one. */
export function selectSubflowOf(db: Kysely<CairnDatabase>, taskRunId: string) {
  return db.selectFrom("flow_run").select(["id"]).where("parent_task_run_id", "=", taskRunId).limit(1);
}
