import { AsyncLocalStorage } from "node:async_hooks";
import type { Engine } from "./engine.js";
import { RunLogger } from "./run-logger.js";
import { LOG_LEVELS } from "../records/index.js";
import type { TaskRunner } from "../task-runners/task-runner.js";
import type { InheritedResultOptions, ResultDecision } from "../results/persistence-decision.js";
import type { State } from "../states/state.js";
import type { RunWriteBarrier } from "./run-write-barrier.js";

/** What the engine keeps about a flow run in progress. @internal */
export interface FlowRunContext {
  readonly kind: "flow";
  readonly engine: Engine;
  readonly flowRun: {
    readonly id: string;
    readonly name: string;
    readonly flowName: string;
    readonly parameters: Record<string, unknown>;
  };
  readonly taskRunner: TaskRunner;
  /** What tasks and subflows inside inherit (DESIGN §3). */
  readonly resultOptions: InheritedResultOptions;
  readonly logger: RunLogger;
  /** Aborted when the flow run times out. */
  readonly signal: AbortSignal;
  /**
   * Aborted when the flow run attempt failed (its function threw): task runs submitted to
   * another process that have not started yet are dropped (see `RemoteTaskRun.onAbandoned`).
   */
  readonly dropQueued?: AbortSignal;
  /** The current attempt, 1-based. */
  attempt: number;
  /** Calls of each task key in the current attempt: gives task runs their dynamic key. */
  taskCallCounts: Map<string, number>;
  /** Whether the flow can retry, so task runs must be remembered for reuse. */
  readonly retainTaskRuns: boolean;
  /** Task runs of earlier attempts, by `taskKey#dynamicKey`: reused on a flow retry. */
  readonly priorTaskRuns: Map<string, { taskRunId: string; state: State; runCount: number }>;
  /** Persistence decisions of the tasks called in this flow run, by task options (they only depend on those and the flow). */
  readonly decisions: Map<object, ResultDecision>;
  /** Submitted task runs not yet finished: the flow waits for them before it ends. */
  readonly pending: Set<Promise<State>>;
  /** Makes the flow run's row durable before the first result blob written in it. */
  readonly barrier: RunWriteBarrier;
}

/** What the engine keeps about a task run in progress. @internal */
export interface TaskRunContext {
  readonly kind: "task";
  readonly engine: Engine;
  readonly taskRun: {
    readonly id: string;
    readonly name: string;
    readonly taskKey: string;
    readonly parameters: Record<string, unknown>;
  };
  readonly flowRunContext: FlowRunContext | undefined;
  readonly logger: RunLogger;
  readonly signal: AbortSignal;
  attempt: number;
}

/** The flow run and task run a piece of code runs in. @internal */
export interface RunScope {
  readonly flow: FlowRunContext | undefined;
  readonly task: TaskRunContext | undefined;
}

/** @internal */
export const runScope = new AsyncLocalStorage<RunScope>();

/** The public, read-only view of the current run (see {@link getRunContext}). */
export interface RunContextView {
  /** The flow run in progress, if any. */
  flowRun?: { id: string; name: string; flowName: string; parameters: Record<string, unknown>; attempt: number };
  /** The task run in progress, if any. */
  taskRun?: { id: string; name: string; taskKey: string; parameters: Record<string, unknown>; attempt: number };
  /** Aborted when the innermost run times out: pass it to fetch() and friends to stop work early. */
  signal?: AbortSignal;
}

/**
 * The flow run and task run the calling code runs in.
 *
 * @example
 * ```ts
 * const t = task(() => getRunContext().taskRun?.name); // "t-0"
 * ```
 */
export function getRunContext(): RunContextView {
  const scope = runScope.getStore();
  if (scope === undefined) return {};
  const view: RunContextView = {};
  if (scope.flow !== undefined) view.flowRun = { ...scope.flow.flowRun, attempt: scope.flow.attempt };
  if (scope.task !== undefined) view.taskRun = { ...scope.task.taskRun, attempt: scope.task.attempt };
  view.signal = scope.task?.signal ?? scope.flow?.signal;
  return view;
}

const fallbackLogger = new RunLogger(
  { minLevel: LOG_LEVELS.info, toConsole: true, client: undefined },
  "cairn",
  "(outside any run)",
  null,
  null,
);

/**
 * The logger of the current run: its lines are stored with the task run or flow run.
 * Outside any run it prints to the console.
 *
 * @example
 * ```ts
 * const t = task(() => { getRunLogger().info("hello"); });
 * ```
 */
export function getRunLogger(): RunLogger {
  const scope = runScope.getStore();
  return scope?.task?.logger ?? scope?.flow?.logger ?? fallbackLogger;
}
