import type { TaskRunRecord } from "../../records/index.js";
import type { TaskRunTable } from "../schema.js";

/** The columns of `task_run`, in the order the write path binds them. */
export const TASK_RUN_COLUMNS = [
  "id", "name", "task_key", "dynamic_key", "flow_run_id", "cache_key", "cache_expiration",
  "state_type", "state_name", "state_message", "state_timestamp", "state_data", "run_count",
  "start_time", "end_time", "created", "owner_host", "owner_pid", "owner_engine_id", "seq",
] as const satisfies readonly (keyof TaskRunTable)[];

/** The row of a {@link TaskRunRecord}; `seq` orders rows first inserted in the same instant. */
export function taskRunToRow(run: TaskRunRecord, seq: number): TaskRunTable {
  return {
    id: run.id,
    name: run.name,
    task_key: run.taskKey,
    dynamic_key: run.dynamicKey,
    flow_run_id: run.flowRunId,
    cache_key: run.cacheKey,
    cache_expiration: run.cacheExpiration,
    state_type: run.stateType,
    state_name: run.stateName,
    state_message: run.stateMessage,
    state_timestamp: run.stateTimestamp,
    state_data: run.stateData,
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

/** The {@link TaskRunRecord} a `task_run` row holds. */
export function taskRunFromRow(row: TaskRunTable): TaskRunRecord {
  return {
    id: row.id,
    name: row.name,
    taskKey: row.task_key,
    dynamicKey: row.dynamic_key,
    flowRunId: row.flow_run_id,
    cacheKey: row.cache_key,
    cacheExpiration: row.cache_expiration,
    stateType: row.state_type,
    stateName: row.state_name,
    stateMessage: row.state_message,
    stateTimestamp: row.state_timestamp,
    stateData: row.state_data,
    runCount: Number(row.run_count),
    startTime: row.start_time,
    endTime: row.end_time,
    created: row.created,
    owner: { host: row.owner_host, pid: Number(row.owner_pid), engineId: row.owner_engine_id },
  };
}
