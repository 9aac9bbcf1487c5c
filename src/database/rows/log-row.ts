import type { LogRecord } from "../../records/index.js";
import type { RunLogTable } from "../schema.js";

/** The columns of `run_log`, in the order the write path binds them. */
export const RUN_LOG_COLUMNS = [
  "flow_run_id", "task_run_id", "level", "name", "message", "timestamp", "seq",
] as const satisfies readonly (keyof RunLogTable)[];

/** The row of a {@link LogRecord}; `seq` is its place in the recording order. */
export function logToRow(log: LogRecord, seq: number): RunLogTable {
  return {
    flow_run_id: log.flowRunId,
    task_run_id: log.taskRunId,
    level: log.level,
    name: log.name,
    message: log.message,
    timestamp: log.timestamp,
    seq,
  };
}

/** The {@link LogRecord} a `run_log` row holds. */
export function logFromRow(row: RunLogTable): LogRecord {
  return {
    flowRunId: row.flow_run_id,
    taskRunId: row.task_run_id,
    level: Number(row.level),
    name: row.name,
    message: row.message,
    timestamp: row.timestamp,
  };
}
