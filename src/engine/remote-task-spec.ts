import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import type { TaskRunRecord } from "../records/index.js";
import type { PersistedResult } from "../results/persisted-result.js";
import type { Serializer, SerializerConfig } from "../serializers/serializer.js";
import type { State } from "../states/state.js";
import type { TaskOptions } from "./options.js";

/**
 * The options of a task run that travel with it to another process: the JSON-able ones.
 * Function-valued options (`cacheKeyFn`, `cachePolicy`) are applied where the run was
 * submitted (the cache key travels instead), and storage and serializer travel as the
 * decision taken there.
 */
export type RemoteTaskOptions = Pick<
  TaskOptions,
  | "retries"
  | "retryDelaySeconds"
  | "timeoutSeconds"
  | "persistResult"
  | "cacheResultInMemory"
  | "cacheExpirationSeconds"
  | "refreshCache"
  | "resultStorageKey"
>;

/**
 * Everything a process needs, besides the task's function and its arguments, to run a
 * task run that a flow in another process submitted, with the engine's full semantics.
 * JSON-able: a task runner sends it as it is (BullMQ job data).
 */
export interface RemoteTaskRunSpec {
  readonly taskRun: {
    readonly id: string;
    readonly name: string;
    /** The task's name (a renamed `withOptions` copy has its own). */
    readonly taskName: string;
    /** The key the run is recorded under (a renamed `withOptions` copy has its own). */
    readonly taskKey: string;
    /** The key of the `task()` definition whose function runs (kept by `withOptions`). */
    readonly originKey: string;
    readonly dynamicKey: string;
    readonly flowRunId: string | null;
    /** When the run was created (its PENDING state), ISO text. */
    readonly created: string;
    /** Attempts made before (by an earlier attempt of the flow run). */
    readonly runCount: number;
  };
  readonly flowRun: {
    readonly id: string;
    readonly name: string;
    readonly flowName: string;
    /** The flow run's parameters as the metadata store keeps them (JSON text, long values summarised). */
    readonly parameters: string;
    readonly attempt: number;
  } | null;
  readonly options: RemoteTaskOptions;
  /** How the run treats its result (DESIGN §3), decided where it was submitted. */
  readonly result: {
    readonly persist: boolean;
    readonly rule: 1 | 2 | 3 | 4 | 5;
    /** The block document of the storage that persisted results (and values too large to travel inline) go to. */
    readonly storageBlockId: string;
    readonly serializer: SerializerConfig;
    /** What runs inside this one inherit: the flow's explicit `persistResult`. */
    readonly inheritedPersistResult: boolean | undefined;
  };
  /** The run's cache key, computed where it was submitted; null: not cached. */
  readonly cacheKey: string | null;
}

/**
 * An argument of a task run sent to another process: a value, the persisted result of an
 * upstream task run (sent as its reference, never as its data), or a list of those (a
 * top-level array holding futures).
 */
export type RemoteArgument =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "result"; readonly result: PersistedResult }
  | { readonly kind: "list"; readonly items: readonly RemoteArgument[] };

/** A task run described for another process: see {@link RemoteTaskRun.describe}. */
export interface RemoteTaskRunDescription {
  readonly spec: RemoteTaskRunSpec;
  readonly args: readonly RemoteArgument[];
  /** The storage of `spec.result.storageBlockId`, as the submitting process sees it. */
  readonly storage: WritableFileSystem;
  /** The serializer of `spec.result.serializer`. */
  readonly serializer: Serializer;
}

/**
 * A submitted task run, as a task runner that runs it in another process sees it
 * (`TaskRunWork.remote`). Its PENDING state is recorded; the other process records the rest.
 */
export interface RemoteTaskRun<T = unknown> {
  /**
   * The metadata store the PENDING state was recorded in: flush it before another process
   * records the run; read the run back when the other process's word about it was lost.
   */
  readonly store: { flush(): Promise<void>; readTaskRun(id: string): Promise<TaskRunRecord | undefined> };
  /**
   * Waits for the futures among the arguments and takes the decisions the submitting side
   * takes (storage, serializer, cache key). Resolves to a final state instead when the run
   * cannot start (an upstream run failed, the storage cannot be named): that state is
   * recorded and the run is settled. Never rejects.
   */
  describe(): Promise<RemoteTaskRunDescription | State<T>>;
  /**
   * Calls `listener` when the flow run attempt that submitted the run fails or times out
   * (work not started yet should then be dropped). Returns a function that unsubscribes.
   */
  onAbandoned(listener: (reason: string) => void): () => void;
  /**
   * Releases the run here once it ended elsewhere (or never started). With `record`, the
   * state is recorded here, for runs that no other process recorded (dropped, lost).
   */
  settle(state: State<T>, options?: { record?: boolean; runCount?: number }): State<T>;
}
