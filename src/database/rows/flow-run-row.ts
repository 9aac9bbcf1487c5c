import type { FlowRunRecord } from "../../records/index.js";
import type { FlowRunTable } from "../schema.js";

/** The columns of `flow_run`, in the order the write path binds them. */
export const FLOW_RUN_COLUMNS = [
  "id", "name", "flow_name", "flow_version", "parameters", "tags", "parent_task_run_id",
  "state_type", "state_name", "state_message", "state_timestamp", "run_count",
  "start_time", "end_time", "created", "owner_host", "owner_pid", "owner_engine_id", "seq",
] as const satisfies readonly (keyof FlowRunTable)[];

/** The row of a {@link FlowRunRecord}; `seq` orders rows first inserted in the same instant. */
export function flowRunToRow(run: FlowRunRecord, seq: number): FlowRunTable {
  return {
    id: run.id,
    name: run.name,
    flow_name: run.flowName,
    flow_version: run.flowVersion,
    parameters: run.parameters,
    tags: JSON.stringify(run.tags),
    parent_task_run_id: run.parentTaskRunId,
    state_type: run.stateType,
    state_name: run.stateName,
    state_message: run.stateMessage,
    state_timestamp: run.stateTimestamp,
    run_count: run.runCount,
    start_time: run.startTime,
    end_time: run.endTime,
    created: run.created,
    owner_host: run.owner.host,
    owner_pid: run.owner.pid,
    owner_engine_id: run.owner.engineId,
    seq,
  };
}

/** The {@link FlowRunRecord} a `flow_run` row holds. */
export function flowRunFromRow(row: FlowRunTable): FlowRunRecord {
  return {
    id: row.id,
    name: row.name,
    flowName: row.flow_name,
    flowVersion: row.flow_version,
    parameters: row.parameters,
    tags: JSON.parse(row.tags) as string[],
    parentTaskRunId: row.parent_task_run_id,
    stateType: row.state_type,
    stateName: row.state_name,
    stateMessage: row.state_message,
    stateTimestamp: row.state_timestamp,
    runCount: Number(row.run_count),
    startTime: row.start_time,
    endTime: row.end_time,
    created: row.created,
    owner: { host: row.owner_host, pid: Number(row.owner_pid), engineId: row.owner_engine_id },
  };
}
