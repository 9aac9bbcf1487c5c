import type { StateRecord } from "../../records/index.js";
import type { RunStateTable } from "../schema.js";

/** The columns of `run_state`, in the order the write path binds them. */
export const RUN_STATE_COLUMNS = [
  "id", "run_id", "flow_run_id", "task_run_id", "type", "name", "message", "timestamp",
  "data", "details", "seq",
] as const satisfies readonly (keyof RunStateTable)[];

/**
 * The row of a {@link StateRecord}. Its `run_id` is the task run's id when the state
 * has one, else the flow run's; `seq` is its place in the recording order.
 */
export function stateToRow(state: StateRecord, seq: number): RunStateTable {
  return {
    id: state.id,
    run_id: state.taskRunId ?? state.flowRunId ?? "",
    flow_run_id: state.flowRunId,
    task_run_id: state.taskRunId,
    type: state.type,
    name: state.name,
    message: state.message,
    timestamp: state.timestamp,
    data: state.data,
    details: state.details,
    seq,
  };
}

/** The {@link StateRecord} a `run_state` row holds. */
export function stateFromRow(row: RunStateTable): StateRecord {
  return {
    id: row.id,
    flowRunId: row.flow_run_id,
    taskRunId: row.task_run_id,
    type: row.type,
    name: row.name,
    message: row.message,
    timestamp: row.timestamp,
    data: row.data,
    details: row.details,
  };
}
