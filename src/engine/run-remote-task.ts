import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import type { OrchestrationClient } from "../client/orchestration-client.js";
import { RunWriteBarrier } from "./run-write-barrier.js";
import { FINAL_STATE_TYPES, type TaskRunRecord } from "../records/index.js";
import type { ResultRecord, BaseResult } from "../results/base-result.js";
import { LiteralResult } from "../results/literal-result.js";
import { PersistedResult } from "../results/persisted-result.js";
import type { ResultDecision } from "../results/persistence-decision.js";
import { UnpersistedResult } from "../results/unpersisted-result.js";
import type { Serializer } from "../serializers/serializer.js";
import { Crashed } from "../states/constructors.js";
import { State } from "../states/state.js";
import { ConcurrentTaskRunner } from "../task-runners/concurrent/concurrent-task-runner.js";
import type { Engine } from "./engine.js";
import type { TaskOptions } from "./options.js";
import type { FlowRunContext } from "./run-context.js";
import { RunLogger } from "./run-logger.js";
import { TaskRunRecorder } from "./run-recorder.js";
import type { RemoteTaskOptions, RemoteTaskRunSpec } from "./remote-task-spec.js";
import { executeTaskRun, type RemotePresets } from "./task-run.js";
import type { TaskDefinition } from "./task.js";

/** What the process running a remote task run provides besides the spec and the arguments. */
export interface RemoteRunEnvironment {
  /** The storage of `spec.result.storageBlockId`, loaded here. */
  readonly storage: WritableFileSystem;
  /** The serializer of `spec.result.serializer`, built here. */
  readonly serializer: Serializer;
  /** Deliveries of this run lost with a process that stopped mid-run (stalled BullMQ jobs taken over). */
  readonly lostAttempts: number;
  /** Holds a cache key across processes; resolves to its release. */
  readonly claimCacheKey?: (key: string) => Promise<() => Promise<void>>;
  /**
   * Called with the final state before it is recorded: resolves to the state to record
   * (the same one, or a FAILED one when the run's value cannot be handed back), or to
   * undefined when this process no longer owns the run (another took it over): then
   * nothing is recorded.
   */
  readonly finalize?: (state: State) => Promise<State | undefined>;
  /** Aborted to stop the run's code early (passed to it as its run context's signal). */
  readonly signal?: AbortSignal;
  /** Makes what was recorded durable (a process running many runs at once can share one write). @default the client's flush */
  readonly flush?: () => Promise<void>;
}

/** How a remote task run ended here. */
export interface RemoteRunOutcome<T> {
  readonly state: State<T>;
  /** Whether this process recorded the final state (false: another process owns the run now). */
  readonly recorded: boolean;
  /** Attempts made over the run's life. */
  readonly runCount: number;
}

const OPTION_KEYS = [
  "retries", "retryDelaySeconds", "timeoutSeconds", "persistResult", "cacheResultInMemory",
  "cacheExpirationSeconds", "refreshCache", "resultStorageKey",
] as const satisfies readonly (keyof RemoteTaskOptions)[];

const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs, in this process, a task run that a flow in another process submitted: records its
 * states in this engine's metadata store (the flow's store, shared), applies retries,
 * timeouts and caching, and persists its result per DESIGN §3 to the flow's storage.
 * Every state is durable, and cache claims are released, before this resolves.
 *
 * A run delivered again after a lost attempt records that attempt as CRASHED, then
 * retries if retries remain (else it ends CRASHED); a run whose final state is already in
 * the store is not run again. @internal
 *
 * @example
 * ```ts
 * const { state } = await runRemoteTaskRun(engine, definition, spec, args, { storage, serializer, lostAttempts: 0 });
 * ```
 */
export async function runRemoteTaskRun<T>(
  engine: Engine,
  definition: TaskDefinition,
  spec: RemoteTaskRunSpec,
  args: readonly unknown[],
  env: RemoteRunEnvironment,
): Promise<RemoteRunOutcome<T>> {
  const client = engine.openClient ?? (await engine.client());
  const run = spec.taskRun;
  const row = taskRunRow(engine, spec);
  const recorder = new HeldFinalRecorder(client, row);
  const options: TaskOptions<any> = { ...definition.options };
  for (const key of OPTION_KEYS) (options as Record<string, unknown>)[key] = spec.options[key];
  const retries = options.retries ?? 0;

  let used = 0;
  if (env.lostAttempts > 0) {
    const stored = await client.readTaskRun(run.id);
    if (stored !== undefined && FINAL_STATE_TYPES.has(stored.stateType) && stored.stateType !== "CRASHED") {
      // The lost process finished the run and recorded it: never run (or complete) it twice.
      return { state: await storedState<T>(stored, (id) => engine.results.storageById(id)), recorded: true, runCount: stored.runCount };
    }
    used = Math.max(env.lostAttempts, (stored?.runCount ?? run.runCount) - run.runCount);
    row.runCount = run.runCount + used;
    if (stored !== undefined) row.startTime = stored.startTime;
    const lost = `Attempt ${row.runCount} of task run '${run.name}' was lost: the worker running it stopped before it finished ` +
      "(killed, or frozen past its lock), and BullMQ handed the job to another worker";
    const left = retries + 1 - used;
    if (left <= 0) {
      const state = Crashed<T>({ message: `${lost}. No retries are left (retries: ${retries}), so the run ends CRASHED.` });
      recorder.setState(state);
      return finish(client, recorder, state, env, []);
    }
    if (stored?.stateType !== "CRASHED") recorder.recordNow(Crashed({ message: `${lost}. Retrying (${left} attempt${left === 1 ? "" : "s"} left).` }));
  }
  options.retries = Math.max(0, retries - used);

  const storage = env.storage;
  const inherited = { persistResult: spec.result.inheritedPersistResult, resultStorage: storage, resultSerializer: env.serializer };
  const decision: ResultDecision = { persist: spec.result.persist, rule: spec.result.rule, resultStorage: storage, resultSerializer: env.serializer, inherited };
  const flow = spec.flowRun === null ? undefined : flowContext(engine, client, spec.flowRun, inherited, env.signal);
  const presets: RemotePresets = {
    cacheKey: spec.cacheKey,
    ...(env.claimCacheKey === undefined ? {} : { claimCacheKey: env.claimCacheKey }),
    claims: [],
  };
  engine.activeRuns.set(row.id, recorder);
  try {
    const state = await executeTaskRun<T>(
      {
        definition: { ...definition, name: run.taskName, taskKey: run.taskKey, options },
        engine, client, scope: { flow, task: undefined }, flow, recorder, decision,
        reuseKey: `${run.taskKey}#${run.dynamicKey}`,
        previousAttempts: row.runCount,
        remote: presets,
      },
      args,
    );
    return await finish(client, recorder, state, env, presets.claims);
  } catch (error) {
    for (const release of presets.claims) await release().catch(() => undefined);
    throw error;
  } finally {
    engine.activeRuns.delete(row.id);
  }
}

/**
 * Records `state` (final) for a remote task run that could not start here (its storage,
 * task or arguments were not available), and makes it durable. @internal
 *
 * @example
 * ```ts
 * await recordRemoteTaskRunState(engine, spec, Failed({ message, error }));
 * ```
 */
export async function recordRemoteTaskRunState(engine: Engine, spec: RemoteTaskRunSpec, state: State): Promise<void> {
  const client = engine.openClient ?? (await engine.client());
  new TaskRunRecorder(client, taskRunRow(engine, spec)).setState(state);
  await client.flush();
}

/** The task run's row as this process records it (owned by this engine). */
function taskRunRow(engine: Engine, spec: RemoteTaskRunSpec): TaskRunRecord {
  const run = spec.taskRun;
  return {
    id: run.id, name: run.name, taskKey: run.taskKey, dynamicKey: run.dynamicKey, flowRunId: run.flowRunId,
    cacheKey: null, cacheExpiration: null,
    stateType: "PENDING", stateName: "Pending", stateMessage: null, stateTimestamp: run.created, stateData: null,
    runCount: run.runCount, startTime: null, endTime: null, created: run.created, owner: engine.owner,
  };
}

/** Records the held final state (when this process still owns the run), makes it durable, releases the claims. */
async function finish<T>(
  client: OrchestrationClient,
  recorder: HeldFinalRecorder,
  state: State<T>,
  env: RemoteRunEnvironment,
  claims: readonly (() => Promise<void>)[],
): Promise<RemoteRunOutcome<T>> {
  try {
    const final = env.finalize === undefined ? state : ((await env.finalize(state)) as State<T> | undefined);
    if (final !== undefined) recorder.release(final);
    await (env.flush === undefined ? client.flush() : env.flush());
    return { state: final ?? state, recorded: final !== undefined, runCount: recorder.row.runCount };
  } finally {
    // A claim Redis cannot release expires by itself (its lock has a lifetime): it must not fail a recorded run.
    for (const release of claims) await release().catch(() => undefined);
  }
}

function flowContext(
  engine: Engine,
  client: OrchestrationClient,
  flowRun: NonNullable<RemoteTaskRunSpec["flowRun"]>,
  inherited: FlowRunContext["resultOptions"],
  signal: AbortSignal | undefined,
): FlowRunContext {
  return {
    kind: "flow",
    engine,
    flowRun: { id: flowRun.id, name: flowRun.name, flowName: flowRun.flowName, parameters: JSON.parse(flowRun.parameters) as Record<string, unknown> },
    // Tasks that the task itself submits run here, in this process.
    taskRunner: new ConcurrentTaskRunner(),
    resultOptions: inherited,
    logger: new RunLogger(engine.logSink, "cairn.flow_runs", `Flow run '${flowRun.name}'`, flowRun.id, null),
    signal: signal ?? NEVER_ABORTED,
    attempt: flowRun.attempt,
    taskCallCounts: new Map(),
    retainTaskRuns: false,
    priorTaskRuns: new Map(),
    decisions: new Map(),
    pending: new Set(),
    // The flow run is durable already (its own process recorded it); this waits for the task run's row.
    barrier: new RunWriteBarrier(client),
  };
}

/**
 * The state a task run record stands for (its result read back by reference).
 * @param missing what reading an unpersisted result rejects with (nothing holds its value).
 */
export async function storedState<T>(
  stored: TaskRunRecord,
  storageById: (id: string) => Promise<WritableFileSystem>,
  missing?: string,
): Promise<State<T>> {
  let data: BaseResult<T> | undefined;
  if (stored.stateData !== null) {
    const record = JSON.parse(stored.stateData) as ResultRecord;
    if (record.type === "literal") data = LiteralResult.fromRecord(record) as unknown as BaseResult<T>;
    else if (record.type === "reference") {
      data = new PersistedResult<T>({
        storageKey: record.storageKey,
        storageBlockId: record.storageBlockId,
        serializerType: record.serializerType,
        expiration: record.expiration === null ? null : new Date(record.expiration),
        integrity: record.integrity,
        storage: record.storageBlockId === null ? undefined : await storageById(record.storageBlockId),
      });
    } else data = UnpersistedResult.missing<T>(missing);
  }
  return new State<T>(stored.stateType, {
    name: stored.stateName,
    message: stored.stateMessage ?? undefined,
    timestamp: new Date(stored.stateTimestamp),
    data,
  });
}

/** A recorder that leaves final states to {@link HeldFinalRecorder.release} (the caller records the one that stands). */
class HeldFinalRecorder extends TaskRunRecorder {
  override setState(state: State): void {
    if (!state.isFinal()) super.setState(state);
  }

  /** Records a state now, final or not. */
  recordNow(state: State): void {
    super.setState(state);
  }

  /** Records the final state. */
  release(state: State): void {
    super.setState(state);
  }
}
