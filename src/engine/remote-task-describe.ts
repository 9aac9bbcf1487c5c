import type { OrchestrationClient } from "../client/orchestration-client.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { PersistedResult } from "../results/persisted-result.js";
import type { ResultDecision } from "../results/persistence-decision.js";
import { Failed } from "../states/constructors.js";
import type { State } from "../states/state.js";
import type { Engine } from "./engine.js";
import { resolveOne } from "./future-arguments.js";
import { bindParameters, parametersJson } from "./parameters.js";
import { errorMessage } from "./run-attempts.js";
import type { FlowRunContext } from "./run-context.js";
import { UpstreamTaskError } from "./run-errors.js";
import type { TaskRunRecorder } from "./run-recorder.js";
import type { RemoteArgument, RemoteTaskOptions, RemoteTaskRun, RemoteTaskRunDescription } from "./remote-task-spec.js";
import { computeCacheKey, isCachingTask } from "./task-cache.js";
import { isTaskFuture, type TaskFuture } from "./task-future.js";
import type { TaskDefinition } from "./task.js";
import { RunLogger } from "./run-logger.js";

/** The parts of a prepared task run that describing it for another process needs. */
export interface RemoteSource {
  readonly definition: TaskDefinition;
  readonly engine: Engine;
  readonly client: OrchestrationClient;
  readonly flow: FlowRunContext;
  readonly recorder: TaskRunRecorder;
  readonly decision: ResultDecision;
  readonly reuseKey: string;
  readonly previousAttempts: number;
}

/**
 * The {@link RemoteTaskRun} view of a submitted task run (what `TaskRunWork.remote` holds),
 * for task runners that run it in another process.
 */
export function remoteTaskRun<T>(source: RemoteSource, rawArgs: readonly unknown[]): RemoteTaskRun<T> {
  const { engine, flow, recorder } = source;
  let settled = false;
  const settle = (state: State<T>, options: { record?: boolean; runCount?: number } = {}): State<T> => {
    if (settled) return state;
    settled = true;
    engine.activeRuns.delete(recorder.id);
    if (options.runCount !== undefined) recorder.row.runCount = options.runCount;
    if (options.record === true) recorder.setState(state);
    if (flow.retainTaskRuns) flow.priorTaskRuns.set(source.reuseKey, { taskRunId: recorder.id, state, runCount: recorder.row.runCount });
    return state;
  };
  return {
    store: source.client,
    describe: async () => {
      try {
        return await describe<T>(source, rawArgs);
      } catch (error) {
        return settle(Failed<T>({ message: errorMessage(error), error }), { record: true });
      }
    },
    onAbandoned: (listener) => {
      const signals = [flow.signal, flow.dropQueued].filter((s): s is AbortSignal => s !== undefined);
      const offs = signals.map((signal) => onAbort(signal, listener));
      return () => { for (const off of offs) off(); };
    },
    settle,
  };
}

/** Listeners of each signal: one abort handler per signal however many task runs wait on it. */
const abortListeners = new WeakMap<AbortSignal, Set<(reason: string) => void>>();

function onAbort(signal: AbortSignal, listener: (reason: string) => void): () => void {
  if (signal.aborted) {
    queueMicrotask(() => listener(errorMessage(signal.reason)));
    return () => undefined;
  }
  let listeners = abortListeners.get(signal);
  if (listeners === undefined) {
    const set = new Set<(reason: string) => void>();
    listeners = set;
    abortListeners.set(signal, set);
    signal.addEventListener("abort", () => {
      for (const l of [...set]) l(errorMessage(signal.reason));
      set.clear();
    }, { once: true });
  }
  listeners.add(listener);
  const own = listeners;
  return () => own.delete(listener);
}

async function describe<T>(source: RemoteSource, rawArgs: readonly unknown[]): Promise<RemoteTaskRunDescription | State<T>> {
  const { definition, engine, flow, recorder, decision } = source;
  const row = recorder.row;
  const args: RemoteArgument[] = [];
  for (const raw of rawArgs) {
    const arg = await remoteArgument(raw);
    if (arg instanceof UpstreamTaskError) throw arg;
    args.push(arg);
  }

  const options = definition.options;
  let cacheKey: string | null = null;
  if (isCachingTask(options) && decision.persist) {
    const values = await Promise.all(args.map(argumentValue));
    const logger = new RunLogger(engine.logSink, "cairn.task_runs", `Task run '${row.name}'`, row.flowRunId, row.id);
    cacheKey = computeCacheKey(
      options,
      {
        taskName: definition.name,
        taskKey: definition.taskKey,
        taskSource: definition.source,
        parameters: bindParameters(definition.parameterNames, values),
        taskRunId: row.id,
        flowRun: flow.flowRun,
      },
      values,
      logger,
    );
  }

  const { storage, blockId } = await engine.results.resolveStorage(decision.resultStorage);
  if (blockId === null) {
    throw new ConfigurationError(
      `Task run '${row.name}' cannot run in another process: its result storage ${storage.describe()} is not a registered ` +
        "block type, so it has no block document another process could load it from. Use a registered storage block " +
        "(S3, AzureBlobStorage, LocalFileSystem on a shared mount) or register the block type with registerBlockType().",
      { context: { taskRunId: row.id, flowRunId: row.flowRunId ?? undefined } },
    );
  }
  const serializer = engine.results.resolveSerializer(decision.resultSerializer);
  return {
    spec: {
      taskRun: {
        id: row.id,
        name: row.name,
        taskName: definition.name,
        taskKey: row.taskKey,
        originKey: definition.originKey,
        dynamicKey: row.dynamicKey,
        flowRunId: row.flowRunId,
        created: row.created,
        runCount: source.previousAttempts,
      },
      flowRun: {
        id: flow.flowRun.id,
        name: flow.flowRun.name,
        flowName: flow.flowRun.flowName,
        parameters: parametersJson(flow.flowRun.parameters),
        attempt: flow.attempt,
      },
      options: remoteOptions(options),
      result: {
        persist: decision.persist,
        rule: decision.rule,
        storageBlockId: blockId,
        serializer: serializer.toConfig(),
        inheritedPersistResult: decision.inherited.persistResult,
      },
      cacheKey,
    },
    args,
    storage,
    serializer,
  };
}

/** The JSON-able options that travel with the run. */
function remoteOptions(options: TaskDefinition["options"]): RemoteTaskOptions {
  const out: Record<string, unknown> = {};
  for (const key of ["retries", "retryDelaySeconds", "timeoutSeconds", "persistResult", "cacheResultInMemory", "cacheExpirationSeconds", "refreshCache", "resultStorageKey"] as const) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out as RemoteTaskOptions;
}

/** An argument as it travels: futures of persisted results become their references. */
async function remoteArgument(arg: unknown): Promise<RemoteArgument | UpstreamTaskError> {
  if (isTaskFuture(arg)) return futureArgument(arg);
  if (Array.isArray(arg) && arg.some(isTaskFuture)) {
    const items: RemoteArgument[] = [];
    for (const item of arg) {
      const resolved = isTaskFuture(item) ? await futureArgument(item) : { kind: "value" as const, value: item };
      if (resolved instanceof UpstreamTaskError) return resolved;
      items.push(resolved);
    }
    return { kind: "list", items };
  }
  return { kind: "value", value: arg };
}

async function futureArgument(future: TaskFuture): Promise<RemoteArgument | UpstreamTaskError> {
  const state = await future.wait();
  const data = state.data;
  if (state.isCompleted() && data instanceof PersistedResult && data.storageBlockId !== null) {
    return { kind: "result", result: data };
  }
  const value = await resolveOne(future);
  if (value instanceof UpstreamTaskError) return value;
  return { kind: "value", value };
}

/** The value of an argument (reading persisted results). */
async function argumentValue(arg: RemoteArgument): Promise<unknown> {
  if (arg.kind === "value") return arg.value;
  if (arg.kind === "result") return arg.result.get();
  return Promise.all(arg.items.map(argumentValue));
}
