import { sql, type Kysely } from "kysely";
import { FINAL_STATE_TYPES, type RunOwner, type StateType } from "../../records/index.js";
import type { CairnDatabase } from "../schema.js";

const FINAL_TYPES: StateType[] = [...FINAL_STATE_TYPES];
/**
 * The same list as SQL literals: a partial index (`*_unfinished_idx`) is only used when
 * the query repeats its condition verbatim, which a bound parameter does not.
 */
const FINAL_TYPE_LITERALS = FINAL_TYPES.map((t) => sql.lit(t));

/** Flow runs of one host that have not reached a final state: orphan candidates. */
export function selectUnfinishedFlowRuns(db: Kysely<CairnDatabase>, host: string) {
  return db
    .selectFrom("flow_run")
    .select(["id", "owner_pid", "owner_engine_id"])
    .where("owner_host", "=", host)
    .where("state_type", "not in", FINAL_TYPE_LITERALS);
}

/** Task runs of one host that have not reached a final state: orphan candidates. */
export function selectUnfinishedTaskRuns(db: Kysely<CairnDatabase>, host: string) {
  return db
    .selectFrom("task_run")
    .select(["id", "owner_pid", "owner_engine_id", "flow_run_id"])
    .where("owner_host", "=", host)
    .where("state_type", "not in", FINAL_TYPE_LITERALS);
}

/** The current-state columns a state change overwrites. */
export interface CurrentState {
  type: StateType;
  name: string;
  message: string | null;
  timestamp: string;
}

/** Moves a flow run that is not final yet to `state`. */
export function updateFlowRunState(db: Kysely<CairnDatabase>, id: string, state: CurrentState) {
  return db
    .updateTable("flow_run")
    .set({
      state_type: state.type,
      state_name: state.name,
      state_message: state.message,
      state_timestamp: state.timestamp,
    })
    .where("id", "=", id)
    .where("state_type", "not in", FINAL_TYPES);
}

/** Moves a task run that is not final yet to `state` (which carries no result). */
export function updateTaskRunState(db: Kysely<CairnDatabase>, id: string, state: CurrentState) {
  return db
    .updateTable("task_run")
    .set({
      state_type: state.type,
      state_name: state.name,
      state_message: state.message,
      state_timestamp: state.timestamp,
      state_data: null,
    })
    .where("id", "=", id)
    .where("state_type", "not in", FINAL_TYPES);
}

/** The `seq` of a run's latest state (a new state must sort after it). */
export function selectLastStateSeq(db: Kysely<CairnDatabase>, runId: string) {
  return db
    .selectFrom("run_state")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("run_id", "=", runId);
}

/**
 * Moves a run to a CRASHED `state`, but only while it is unfinished and still owned by
 * `owner`, so that a decision taken on stale data changes nothing. A task run's result
 * reference is cleared (a crashed run has none).
 */
export function crashRun(
  db: Kysely<CairnDatabase>,
  table: "flow_run" | "task_run",
  id: string,
  owner: RunOwner,
  state: CurrentState,
) {
  // Kysely cannot type an update of "one of two tables"; both have these columns.
  const untyped = db as unknown as Kysely<Pick<CairnDatabase, "task_run">>;
  return untyped
    .updateTable(table as "task_run")
    .set({
      state_type: state.type,
      state_name: state.name,
      state_message: state.message,
      state_timestamp: state.timestamp,
      ...(table === "task_run" ? { state_data: null } : {}),
    })
    .where("id", "=", id)
    .where("owner_host", "=", owner.host)
    .where("owner_pid", "=", owner.pid)
    .where("owner_engine_id", "=", owner.engineId)
    .where("state_type", "not in", FINAL_TYPES);
}
