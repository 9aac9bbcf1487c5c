import { LOG_LEVELS, type LogLevelName, type LogRecord } from "../client/records.js";
import type { OrchestrationClient } from "../client/orchestration-client.js";

/**
 * A logger bound to the current flow run or task run: its lines are stored with the run
 * (see `cairn flow-run inspect`) and, when `CAIRN_LOGGING_TO_CONSOLE` is true, printed to stderr.
 *
 * @example
 * ```ts
 * const t = task(() => { getRunLogger().info("working"); });
 * ```
 */
export interface RunLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  /** Alias of `warning`. */
  warn(message: string): void;
  error(message: string): void;
  critical(message: string): void;
}

/** Where a run logger sends its lines. */
export interface LogSink {
  /** Lines below this level are dropped. */
  minLevel: number;
  /** Print to stderr as well as storing. */
  toConsole: boolean;
  client: OrchestrationClient | undefined;
}

/** Builds a run logger for one run. `label` prefixes console lines, e.g. `Task run 'extract-0'`. */
export function createRunLogger(
  sink: LogSink,
  name: string,
  label: string,
  ids: { flowRunId: string | null; taskRunId: string | null },
): RunLogger {
  const log = (levelName: LogLevelName, message: string): void => {
    const level = LOG_LEVELS[levelName];
    if (level < sink.minLevel) return;
    const timestamp = new Date();
    const record: LogRecord = {
      flowRunId: ids.flowRunId,
      taskRunId: ids.taskRunId,
      level,
      name,
      message,
      timestamp: timestamp.toISOString(),
    };
    sink.client?.recordLogs([record]);
    if (sink.toConsole) {
      const time = timestamp.toISOString().slice(11, 23);
      process.stderr.write(`${time} | ${levelName.toUpperCase().padEnd(8)} | ${label} - ${message}\n`);
    }
  };
  return {
    debug: (m) => log("debug", m),
    info: (m) => log("info", m),
    warning: (m) => log("warning", m),
    warn: (m) => log("warning", m),
    error: (m) => log("error", m),
    critical: (m) => log("critical", m),
  };
}
