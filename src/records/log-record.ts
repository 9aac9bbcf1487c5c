/** Log levels, as numbers so they compare. */
export const LOG_LEVELS = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 } as const;

/** The name of a log level. */
export type LogLevelName = keyof typeof LOG_LEVELS;

/** A line a run logger wrote. Append-only. */
export interface LogRecord {
  flowRunId: string | null;
  taskRunId: string | null;
  level: number;
  /** Logger name, e.g. `"cairn.flow_runs"` or `"cairn.task_runs"`. */
  name: string;
  message: string;
  timestamp: string;
}
