import { LOG_LEVELS, type LogLevelName, type LogRecord } from "../records/index.js";
import type { OrchestrationClient } from "../client/orchestration-client.js";

/** Where a run logger sends its lines. */
export interface LogSink {
  /** Lines below this level are dropped. */
  minLevel: number;
  /** Print to stderr as well as storing. */
  toConsole: boolean;
  client: OrchestrationClient | undefined;
}

/**
 * A logger bound to the current flow run or task run: its lines are stored with the run
 * (see `cairn flow-run inspect`) and, when `CAIRN_LOGGING_TO_CONSOLE` is true, printed to stderr.
 *
 * @example
 * ```ts
 * const t = task(() => { getRunLogger().info("working"); });
 * ```
 */
export class RunLogger {
  /** @internal */
  constructor(
    private readonly sink: LogSink,
    /** Logger name, e.g. `"cairn.task_runs"`. */
    readonly name: string,
    /** Console prefix, e.g. `Task run 'extract-0'`. */
    readonly label: string,
    private readonly flowRunId: string | null,
    private readonly taskRunId: string | null,
  ) {}

  debug(message: string): void { this.log("debug", message); }
  info(message: string): void { this.log("info", message); }
  warning(message: string): void { this.log("warning", message); }
  /** Alias of `warning`. */
  warn(message: string): void { this.log("warning", message); }
  error(message: string): void { this.log("error", message); }
  critical(message: string): void { this.log("critical", message); }

  /** Whether lines at `levelName` are kept (build an expensive message only then). */
  enabled(levelName: LogLevelName): boolean {
    return LOG_LEVELS[levelName] >= this.sink.minLevel;
  }

  /** Writes one line at `levelName`. */
  log(levelName: LogLevelName, message: string): void {
    const level = LOG_LEVELS[levelName];
    const sink = this.sink;
    if (level < sink.minLevel) return;
    const timestamp = new Date();
    const record: LogRecord = {
      flowRunId: this.flowRunId,
      taskRunId: this.taskRunId,
      level,
      name: this.name,
      message,
      timestamp: timestamp.toISOString(),
    };
    sink.client?.recordLogs([record]);
    if (sink.toConsole) {
      const time = record.timestamp.slice(11, 23);
      process.stderr.write(`${time} | ${levelName.toUpperCase().padEnd(8)} | ${this.label} - ${message}\n`);
    }
  }
}
