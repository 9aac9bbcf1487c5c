import { Command, InvalidArgumentError } from "commander";
import picocolors from "picocolors";
import { createOrchestrationClient } from "../../client/create-client.js";
import type { OrchestrationClient } from "../../client/orchestration-client.js";
import {
  FINAL_STATE_TYPES,
  type FlowRunRecord,
  type LogRecord,
  type StateRecord,
  type StateType,
  type TaskRunRecord,
} from "../../records/index.js";
import { CairnError } from "../../errors/cairn-error.js";
import { cliIO, cliSettings, renderTable, useColor, type OutputStream } from "../output.js";

/** Options of {@link flowRunCommand}, for embedding and tests. */
export interface FlowRunCommandOptions {
  /**
   * Opens the metadata store. The command closes the client when it is done.
   * @default the store the CLI's settings select (`CAIRN_API_URL`, else `CAIRN_API_DATABASE_URL`)
   */
  openClient?: () => Promise<OrchestrationClient>;
  /** @default the CLI's stdout (`cliIO().stdout`) */
  stdout?: OutputStream;
  /**
   * Colour the output.
   * @default `useColor()` for the CLI's stdout; for a given `stdout`, whether it is a terminal
   */
  color?: boolean;
}

const STATE_TYPES: readonly StateType[] = [
  "SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED", "PAUSED",
];
const LEVEL_NAMES: Record<number, string> = { 10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL" };

/**
 * `cairn flow-run`: `ls` lists flow runs (newest first), `inspect ID` shows one run with
 * its state history, task runs and logs. Both mark runs whose process died as CRASHED
 * first, and both take `--json`.
 *
 * @example
 * ```ts
 * program.addCommand(flowRunCommand());
 * // cairn flow-run ls --flow etl --state FAILED --limit 5
 * // cairn flow-run inspect 1f0c2a9e
 * ```
 */
export function flowRunCommand(options: FlowRunCommandOptions = {}): Command {
  const openClient = options.openClient ?? openDefaultClient;
  /** Output for one action (resolved when it runs: `main` sets the CLI's IO per invocation). */
  const output = () => {
    const stdout = options.stdout ?? cliIO().stdout;
    const color = options.color ?? (options.stdout === undefined ? useColor("stdout") : stdout.isTTY === true);
    return {
      colors: picocolors.createColors(color),
      out: (text: string) => void stdout.write(text.endsWith("\n") ? text : text + "\n"),
    };
  };

  const command = new Command("flow-run").description("List and inspect flow runs");

  command
    .command("ls")
    .description("List flow runs, newest first")
    .option("--limit <n>", "how many runs to show", parseLimit, 20)
    .option("--flow <name>", "only runs of this flow")
    .option("--state <type>", `only runs in this state (${STATE_TYPES.join(", ")}); repeatable`, collectStates, [])
    .option("--json", "print the runs as JSON")
    .action(async (opts: { limit: number; flow?: string; state: StateType[]; json?: boolean }) => {
      const runs = await withClient(openClient, async (client) => {
        await client.markOrphanedRunsCrashed();
        return client.readFlowRuns({
          limit: opts.limit,
          ...(opts.flow === undefined ? {} : { flowName: opts.flow }),
          ...(opts.state.length === 0 ? {} : { stateTypes: opts.state }),
        });
      });
      const { out, colors } = output();
      if (opts.json === true) return out(JSON.stringify(runs, null, 2));
      if (runs.length === 0) return out("No flow runs found.");
      out(formatRunTable(runs, colors, true));
    });

  command
    .command("inspect")
    .description("Show a flow run: its fields, state history, task runs and logs")
    .argument("<id>", "the flow run's id, or a unique prefix of it")
    .option("--json", "print the run as JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      const details = await withClient(openClient, async (client) => {
        await client.markOrphanedRunsCrashed();
        const flowRun = await client.readFlowRun(id);
        if (flowRun === undefined) return undefined;
        const [states, taskRuns, logs] = await Promise.all([
          client.readStates(flowRun.id),
          client.readTaskRuns({ flowRunId: flowRun.id }),
          client.readLogs({ flowRunId: flowRun.id }),
        ]);
        return { flowRun, states, taskRuns, logs };
      });
      if (details === undefined) {
        throw new CairnError(
          "FLOW_RUN_NOT_FOUND",
          `No flow run has the id or id prefix "${id}". ` +
            "Run `cairn flow-run ls` to see the ids of recent flow runs.",
          { context: { flowRunId: id } },
        );
      }
      const { out, colors } = output();
      if (opts.json === true) return out(JSON.stringify(details, null, 2));
      out(formatInspection(details, colors));
    });

  return command;
}

/** The store the CLI's settings select: the server (`CAIRN_API_URL`) or `CAIRN_API_DATABASE_URL`. */
async function openDefaultClient(): Promise<OrchestrationClient> {
  return createOrchestrationClient(cliSettings());
}

/** Opens a client, runs `fn`, and closes the client (errors propagate to `main`). */
async function withClient<T>(
  openClient: () => Promise<OrchestrationClient>,
  fn: (client: OrchestrationClient) => Promise<T>,
): Promise<T> {
  const client = await openClient();
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("Expected a positive whole number.");
  return n;
}

function collectStates(value: string, previous: StateType[]): StateType[] {
  const types = value.split(",").map((s) => s.trim().toUpperCase()).filter((s) => s !== "");
  for (const type of types) {
    if (!STATE_TYPES.includes(type as StateType)) {
      throw new InvalidArgumentError(`Unknown state type "${type}"; expected one of ${STATE_TYPES.join(", ")}.`);
    }
  }
  return [...previous, ...(types as StateType[])];
}

type Colors = ReturnType<typeof picocolors.createColors>;

interface RunLike {
  id: string;
  name: string;
  stateType: StateType;
  stateName: string;
  startTime: string | null;
  endTime: string | null;
}

/** A table of runs: id (in full: time-ordered ids share their first characters), (flow name,) name, state, start, duration. */
function formatRunTable(runs: readonly (RunLike & { flowName?: string })[], colors: Colors, withFlow: boolean): string {
  const header = withFlow
    ? ["ID", "FLOW", "NAME", "STATE", "START", "DURATION"]
    : ["ID", "NAME", "STATE", "START", "DURATION"];
  const rows = runs.map((run) => {
    const cells = [
      colors.dim(run.id),
      run.name,
      colorState(colors, run.stateType, stateLabel(run)),
      formatTime(run.startTime),
      duration(run),
    ];
    if (withFlow) cells.splice(1, 0, run.flowName ?? "");
    return cells;
  });
  return renderTable(rows, { header: header.map((h) => colors.bold(h)) });
}

function formatInspection(
  details: { flowRun: FlowRunRecord; states: StateRecord[]; taskRuns: TaskRunRecord[]; logs: LogRecord[] },
  colors: Colors,
): string {
  const { flowRun: run, states, taskRuns, logs } = details;
  const fields: [string, string][] = [
    ["id", run.id],
    ["name", run.name],
    ["flow", run.flowVersion === null ? run.flowName : `${run.flowName} (version ${run.flowVersion})`],
    ["state", colorState(colors, run.stateType, stateLabel(run)) + (run.stateMessage ? `: ${run.stateMessage}` : "")],
    ["parameters", run.parameters],
    ["tags", run.tags.length === 0 ? "-" : run.tags.join(", ")],
    ["parent task run", run.parentTaskRunId ?? "-"],
    ["run count", String(run.runCount)],
    ["created", formatTime(run.created, true)],
    ["start", formatTime(run.startTime, true)],
    ["end", formatTime(run.endTime, true)],
    ["duration", duration(run)],
    ["owner", `pid ${run.owner.pid} on host ${run.owner.host} (engine ${run.owner.engineId})`],
  ];
  const width = Math.max(...fields.map(([k]) => k.length));
  const sections = [
    colors.bold(`Flow run ${run.id}`),
    fields.map(([k, v]) => `  ${colors.dim(k.padEnd(width))}  ${v}`).join("\n"),
    "",
    colors.bold(`State history (${states.length})`),
    states.length === 0
      ? "  (none)"
      : states
          .map((s) => {
            const label = colorState(colors, s.type, stateLabel({ stateType: s.type, stateName: s.name }).padEnd(12));
            return `  ${formatTime(s.timestamp, true)}  ${label}${s.message ? `  ${s.message}` : ""}`.trimEnd();
          })
          .join("\n"),
    "",
    colors.bold(`Task runs (${taskRuns.length})`),
    taskRuns.length === 0 ? "  (none)" : indent(formatRunTable(taskRuns, colors, false)),
    "",
    colors.bold(`Logs (${logs.length})`),
    logs.length === 0
      ? "  (none)"
      : logs
          .map((l) => {
            const level = (LEVEL_NAMES[l.level] ?? `LEVEL ${l.level}`).padEnd(8);
            const painted = l.level >= 40 ? colors.red(level) : l.level >= 30 ? colors.yellow(level) : level;
            return `  ${formatTime(l.timestamp, true)}  ${painted}  ${colors.dim(l.name)}  ${l.message}`;
          })
          .join("\n"),
  ];
  return sections.join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => "  " + line)
    .join("\n");
}

/** `COMPLETED`, or `COMPLETED (Cached)` when the state's name is not the type's own. */
function stateLabel(run: { stateType: StateType; stateName: string }): string {
  const ownName = run.stateType.charAt(0) + run.stateType.slice(1).toLowerCase();
  return run.stateName === ownName ? run.stateType : `${run.stateType} (${run.stateName})`;
}

function colorState(colors: Colors, type: StateType, text: string): string {
  switch (type) {
    case "COMPLETED":
      return colors.green(text);
    case "FAILED":
    case "CRASHED":
      return colors.red(text);
    case "RUNNING":
      return colors.blue(text);
    case "CANCELLED":
      return colors.gray(text);
    default:
      return colors.yellow(text);
  }
}

/** Local time, `YYYY-MM-DD HH:MM:SS` (with milliseconds when `precise`), or `-`. */
function formatTime(iso: string | null, precise = false): string {
  if (iso === null) return "-";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const time = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return precise ? `${time}.${p(d.getMilliseconds(), 3)}` : time;
}

/** End (or now, for a run still going) minus start; `-` when unknown. */
function duration(run: RunLike): string {
  if (run.startTime === null) return "-";
  const final = FINAL_STATE_TYPES.has(run.stateType);
  if (run.endTime === null && final) return "-";
  const end = run.endTime === null ? Date.now() : Date.parse(run.endTime);
  const ms = Math.max(0, end - Date.parse(run.startTime));
  if (Number.isNaN(ms)) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
