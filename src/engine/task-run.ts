import { uuid7 } from "../utils/uuid7.js";
import type { OrchestrationClient } from "../client/orchestration-client.js";
import type { TaskRunRecord } from "../records/index.js";
import { decidePersistence, type ResultDecision } from "../results/persistence-decision.js";
import { createResult, type ResultOwner } from "../results/create-result.js";
import { Cached, Failed, Pending } from "../states/constructors.js";
import type { BaseResult } from "../results/base-result.js";
import { computeCacheKey, isCachingTask, lookupCache, type CacheLookup } from "./task-cache.js";
import type { CacheOutcome } from "../states/cache-outcome.js";
import type { State } from "../states/state.js";
import { currentEngine, type Engine } from "./engine.js";
import { runScope, type FlowRunContext, type RunScope, type TaskRunContext } from "./run-context.js";
import { RunLogger } from "./run-logger.js";
import { TaskRunRecorder } from "./run-recorder.js";
import { runAttempts } from "./run-attempts.js";
import { finalStateFor } from "./return-value.js";
import { TaskFuture } from "./task-future.js";
import type { TaskDefinition } from "./task.js";
import { nextDynamicKey } from "./dynamic-key.js";
import { bindParameters } from "./parameters.js";
import { UpstreamTaskError } from "./run-errors.js";
import { hasFutures, resolveFutures, taskInputs } from "./future-arguments.js";
import { remoteTaskRun } from "./remote-task-describe.js";
import { isoTime } from "../utils/iso-time.js";
import { RunWriteBarrier } from "./run-write-barrier.js";

/**
 * What a process that runs a task run submitted by a flow elsewhere (a worker) sets on it:
 * the cache key computed where it was submitted, and a claim on that key across processes.
 */
export interface RemotePresets {
  readonly cacheKey: string | null;
  /** Holds `key` across processes until the returned release is called (so one process computes it). */
  readonly claimCacheKey?: (key: string) => Promise<() => Promise<void>>;
  /** Releases of the claims taken: called once the run's final state is durable. */
  readonly claims: (() => Promise<void>)[];
}

/** A task run created (PENDING recorded) and ready to run. @internal */
export interface PreparedTaskRun {
  readonly definition: TaskDefinition;
  readonly engine: Engine;
  readonly client: OrchestrationClient;
  readonly scope: RunScope | undefined;
  readonly flow: FlowRunContext | undefined;
  readonly recorder: TaskRunRecorder;
  readonly decision: ResultDecision;
  readonly reuseKey: string;
  /** Attempts made by earlier flow-run attempts for this same task run. */
  readonly previousAttempts: number;
  /** Set when this process runs a task run submitted by a flow in another process. */
  readonly remote?: RemotePresets;
}

/** Runs a task inline (a direct call) and resolves to its final state. */
export async function callTask<T>(definition: TaskDefinition, args: readonly unknown[]): Promise<State<T>> {
  const engine = currentEngine();
  const client = engine.openClient ?? (await engine.client());
  const prepared = prepareTaskRun(definition, engine, client);
  if (!("recorder" in prepared)) return prepared.reused as State<T>;
  const state = await executeTaskRun<T>(prepared, args);
  if (prepared.flow === undefined) await client.flush();
  return state;
}

/** Submits a task to the flow's task runner (or runs it standalone) and returns its future. */
export function submitTask<T>(definition: TaskDefinition, args: readonly unknown[]): TaskFuture<T> {
  const engine = currentEngine();
  const client = engine.openClient;
  if (client === undefined) {
    // Outside any flow, before the store is open: open it first.
    const id = uuid7();
    const state = engine.client().then(async (c) => {
      const prepared = prepareTaskRun(definition, engine, c, id);
      if (!("recorder" in prepared)) return prepared.reused as State<T>;
      const s = await executeTaskRun<T>(prepared, args);
      await c.flush();
      return s;
    });
    return new TaskFuture<T>(id, definition.name, state);
  }
  const prepared = prepareTaskRun(definition, engine, client);
  if (!("recorder" in prepared)) {
    return new TaskFuture<T>(prepared.taskRunId, prepared.name, Promise.resolve(prepared.reused as State<T>));
  }
  const flow = prepared.flow;
  let state: Promise<State<T>>;
  if (flow === undefined) {
    state = executeTaskRun<T>(prepared, args).then(async (s) => {
      await client.flush();
      return s;
    });
  } else {
    const scope = prepared.scope;
    const pending = flow.pending;
    const execute = () => executeTaskRun<T>(prepared, args);
    state = flow.taskRunner
      .submit<T>({
        taskRunId: prepared.recorder.id,
        taskName: definition.name,
        taskKey: definition.taskKey,
        // Task runners may start work outside this async context: restore it (when needed).
        run: () => (runScope.getStore() === scope ? execute() : runScope.run(scope as RunScope, execute)),
        // A distributed runner settles the run elsewhere and never calls run(): the deletion below serves both.
        remote: remoteTaskRun<T>({ ...prepared, flow }, args),
      })
      .then(
        (s) => {
          pending.delete(state);
          return s;
        },
        (error: unknown) => {
          pending.delete(state);
          throw error;
        },
      );
    pending.add(state);
  }
  return new TaskFuture<T>(prepared.recorder.id, prepared.recorder.row.name, state);
}

function prepareTaskRun(
  definition: TaskDefinition,
  engine: Engine,
  client: OrchestrationClient,
  presetId?: string,
): PreparedTaskRun | { reused: State; taskRunId: string; name: string } {
  const scope = runScope.getStore();
  const flow = scope?.task?.flowRunContext ?? scope?.flow;
  const options = definition.options;
  const dynamicKey = nextDynamicKey(flow, definition.taskKey, engine);
  const reuseKey = `${definition.taskKey}#${dynamicKey}`;
  const name = `${definition.name}-${dynamicKey}`;

  // On a flow retry, a task run that completed with a stored result is not run again.
  const prior = flow?.priorTaskRuns.get(reuseKey);
  if (prior !== undefined && prior.state.isCompleted() && (prior.state.data?.type === "reference" || prior.state.data?.type === "literal")) {
    flow?.logger.info(`Task run '${name}' completed in an earlier attempt with a stored result: reusing it.`);
    return { reused: prior.state, taskRunId: prior.taskRunId, name };
  }

  let decision = flow?.decisions.get(options);
  if (decision === undefined) {
    decision = decidePersistence(options, flow?.resultOptions, engine.settings.get("CAIRN_RESULTS_PERSIST_BY_DEFAULT"));
    flow?.decisions.set(options, decision);
  }
  const now = isoTime(Date.now());
  const row: TaskRunRecord = {
    id: prior?.taskRunId ?? presetId ?? uuid7(),
    name,
    taskKey: definition.taskKey,
    dynamicKey,
    flowRunId: flow?.flowRun.id ?? null,
    cacheKey: null,
    cacheExpiration: null,
    stateType: "PENDING",
    stateName: "Pending",
    stateMessage: null,
    stateTimestamp: now,
    stateData: null,
    runCount: prior?.runCount ?? 0,
    startTime: null,
    endTime: null,
    created: now,
    owner: engine.owner,
  };
  const recorder = new TaskRunRecorder(client, row);
  recorder.setState(Pending());
  engine.activeRuns.set(row.id, recorder);
  return { definition, engine, client, scope, flow, recorder, decision, reuseKey, previousAttempts: prior?.runCount ?? 0 };
}

/** Runs a prepared task run here: futures, cache, attempts, result; resolves to its final state. @internal */
export async function executeTaskRun<T>(prepared: PreparedTaskRun, rawArgs: readonly unknown[]): Promise<State<T>> {
  const { definition, engine, flow, recorder } = prepared;
  const row = recorder.row;
  const label = `Task run '${row.name}'`;
  const logger = new RunLogger(engine.logSink, "cairn.task_runs", label, row.flowRunId, row.id);

  let state: State<T>;
  const args = hasFutures(rawArgs) ? await resolveFutures(rawArgs) : (rawArgs as unknown[]);
  if (args instanceof UpstreamTaskError) {
    state = Failed<T>({ message: args.message, error: args });
    recorder.setState(state);
  } else {
    const parameters = bindParameters(definition.parameterNames, args);
    const options = definition.options;
    const owner: ResultOwner = {
      label,
      subject: `task '${definition.name}'`,
      results: engine.results,
      keyTemplate: options.resultStorageKey,
      keyValues: () => ({
        flow_run: flow === undefined ? undefined : { id: flow.flowRun.id, name: flow.flowRun.name, flow_name: flow.flowRun.flowName },
        task_run: { id: row.id, name: row.name, task_name: definition.name },
        parameters,
      }),
      cacheResultInMemory: options.cacheResultInMemory ?? true,
      expiration: options.cacheExpirationSeconds === undefined ? null : new Date(Date.now() + options.cacheExpirationSeconds * 1000),
    };
    const inputs = taskInputs(parameters, rawArgs);
    const decision = prepared.decision;
    const create = (v: unknown) => createResult(v, decision, owner);
    // A blob is written only once the run it belongs to is durable (its flow run, or itself when standalone).
    const barrier = decision.persist ? (flow?.barrier ?? new RunWriteBarrier(prepared.client)) : undefined;
    const persist = barrier === undefined ? create : (v: unknown) => barrier.whenDurable(() => create(v));
    const runIt = (cache?: { key: string; outcome: CacheOutcome }): Promise<State<T>> =>
      runAttempts<T>({
        label,
        firstStateDetails: cache === undefined ? { inputs } : { inputs, cacheKey: cache.key, cache: cache.outcome },
        options: definition.options,
        persistenceDisabled: definition.options.persistResult === false,
        previousAttempts: prepared.previousAttempts,
        logger,
        errorContext: { taskRunId: row.id, flowRunId: row.flowRunId ?? undefined, runName: definition.name },
        parentSignal: prepared.scope?.task?.signal ?? flow?.signal,
        setState: (s) => {
          if (s.type === "RUNNING") row.runCount++;
          recorder.setState(s);
        },
        invoke: (attempt, signal) => {
          const context: TaskRunContext = {
            kind: "task",
            engine,
            taskRun: { id: row.id, name: row.name, taskKey: definition.taskKey, parameters },
            flowRunContext: flow,
            logger,
            signal,
            attempt,
          };
          return runScope.run({ flow, task: context }, () => definition.fn(...args));
        },
        finish: (value) => finalStateFor<T>(value, persist),
      });

    let cacheKey: string | null = null;
    if (prepared.remote !== undefined) {
      cacheKey = prepared.remote.cacheKey;
    } else if (isCachingTask(options) && prepared.decision.persist) {
      cacheKey = computeCacheKey(
        options,
        {
          taskName: definition.name,
          taskKey: definition.taskKey,
          taskSource: definition.source,
          parameters,
          taskRunId: row.id,
          flowRun: flow?.flowRun,
        },
        args,
        logger,
      );
    }
    if (cacheKey === null) {
      state = await runIt();
    } else {
      state = await runCached<T>(prepared, cacheKey, owner, logger, runIt);
    }
  }

  engine.activeRuns.delete(row.id);
  if (state.isFailed()) logger.error(`Finished in state ${state.toString()}`);
  else if (logger.enabled("debug")) logger.debug(`Finished in state ${state.toString()}`);
  if (flow?.retainTaskRuns) flow.priorTaskRuns.set(prepared.reuseKey, { taskRunId: row.id, state, runCount: row.runCount });
  // Let the event loop run now and then, even under a flow of synchronous tasks (timers, the store's I/O).
  const turn = engine.turn();
  if (turn !== undefined) await turn;
  return state;
}

/**
 * Runs a task run that has a cache key: a hit (in the store, or from a run with the same
 * key in flight in this process) ends it in a Cached state without calling the function;
 * a miss (or `refreshCache`) runs it, and its result becomes the entry.
 */
async function runCached<T>(
  prepared: PreparedTaskRun,
  key: string,
  owner: ResultOwner,
  logger: RunLogger,
  runIt: (cache: { key: string; outcome: CacheOutcome }) => Promise<State<T>>,
): Promise<State<T>> {
  const { engine, client, recorder, definition } = prepared;
  const refresh = definition.options.refreshCache ?? engine.settings.get("CAIRN_TASKS_REFRESH_CACHE");
  if (!refresh) {
    const inflight = engine.inflightCacheKeys.get(key);
    if (inflight !== undefined) {
      const other = await inflight.state;
      if (other.isCompleted() && (other.data?.type === "reference" || other.data?.type === "literal")) {
        return finishCached(recorder, other.data as BaseResult<T>, key, logger, inflight.taskRunId);
      }
    }
  }
  // Across processes too: a run elsewhere computing this key finishes (and its entry is durable) first.
  const remote = prepared.remote;
  if (remote?.claimCacheKey !== undefined) remote.claims.push(await remote.claimCacheKey(key));
  // Claim the key before looking it up, so runs with the same key started meanwhile wait for this one.
  let settle!: (state: State) => void;
  const mine = { taskRunId: recorder.id, state: new Promise<State>((resolve) => (settle = resolve)) };
  engine.inflightCacheKeys.set(key, mine);
  let state: State<T> | undefined;
  try {
    let outcome: CacheOutcome = { hit: false, reason: "refreshed" };
    if (!refresh) {
      const recent = engine.recentCacheEntries.get(key);
      const found = recent ?? (await lookupCache(engine, client, key, prepared.decision, owner.cacheResultInMemory, logger));
      if (found.result !== undefined) {
        const entry = "taskRunId" in found ? found.taskRunId : found.entryTaskRunId;
        state = finishCached(recorder, found.result as BaseResult<T>, key, logger, entry);
      } else {
        const { miss: reason, entryTaskRunId, message } = found as Extract<CacheLookup, { miss: unknown }>;
        outcome = { hit: false, reason, ...(entryTaskRunId === undefined ? {} : { entryTaskRunId }), ...(message === undefined ? {} : { message }) };
      }
    }
    if (state === undefined) {
      // Only a run that computes the value becomes a cache entry (a Cached run names the key in its state only).
      recorder.row.cacheKey = key;
      recorder.row.cacheExpiration = owner.expiration?.toISOString() ?? null;
      state = await runIt({ key, outcome });
      if (state.isCompleted() && (state.data?.type === "reference" || state.data?.type === "literal")) {
        engine.recentCacheEntries.set(key, state.data, owner.expiration, recorder.id);
      }
    }
    return state;
  } finally {
    settle(state ?? Failed({ message: "The cache lookup failed." }));
    if (engine.inflightCacheKeys.get(key) === mine) engine.inflightCacheKeys.delete(key);
  }
}

function finishCached<T>(recorder: TaskRunRecorder, data: BaseResult<T>, key: string, logger: RunLogger, entryTaskRunId: string | null): State<T> {
  const state = Cached<T>({ data, stateDetails: { cacheKey: key, cache: { hit: true, entryTaskRunId } } });
  recorder.setState(state);
  logger.info(`Finished in state Cached(): the result of an earlier run with the same cache key was reused.`);
  return state;
}
