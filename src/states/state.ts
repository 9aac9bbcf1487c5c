import { uuid7 } from "../utils/uuid7.js";
import { FINAL_STATE_TYPES, type StateType } from "../records/index.js";
import type { BaseResult } from "../results/base-result.js";
import type { CacheOutcome, TaskInput } from "./cache-outcome.js";
import { FailedRunError, UnfinishedRunError } from "./run-errors.js";

/** Extra detail a state carries. */
export interface StateDetails {
  /** When a SCHEDULED state (e.g. AwaitingRetry) is due. */
  scheduledTime?: Date;
  /** The cache key a COMPLETED task run was stored under, or a Cached state was found by. */
  cacheKey?: string;
  /** When that cache entry expires. */
  cacheExpiration?: Date;
  /** The flow run this state belongs to. */
  flowRunId?: string;
  /** The task run this state belongs to. */
  taskRunId?: string;
  /** What the task run's cache lookup found: the entry a Cached state reused, or why a run missed. */
  cache?: CacheOutcome;
  /** The task run's inputs (parameter names, and the upstream task runs that fed them), on its first RUNNING state. */
  inputs?: readonly TaskInput[];
}

/** Fields accepted by the state constructors (`Completed({ ... })`, ...). */
export interface StateInit<T = unknown> {
  /** The run's result: a plain value, or a result object. */
  data?: T | BaseResult<T>;
  message?: string;
  name?: string;
  timestamp?: Date;
  stateDetails?: StateDetails;
}

/** Options of {@link State.result}. */
export interface ResultOptions {
  /**
   * When true (the default), a failed state's `result()` rejects with its error;
   * when false, it resolves to that error.
   * @default true
   */
  raiseOnFailure?: boolean;
}

/**
 * The state of a flow run or task run at one moment: its `type`, a display `name`
 * (`"Cached"`, `"Retrying"`, ...), a `message`, a `timestamp` and its result as `data`.
 *
 * @example
 * ```ts
 * const state = await myFlow.returnState();
 * if (state.isCompleted()) console.log(await state.result());
 * ```
 */
export class State<T = unknown> {
  readonly id: string;
  readonly type: StateType;
  readonly name: string;
  readonly message: string | undefined;
  readonly timestamp: Date;
  /** The run's result object (section 4 of the design), or undefined when it has none. */
  readonly data: BaseResult<T> | undefined;
  readonly stateDetails: StateDetails;
  /** The error that failed the run, when this process holds it. */
  readonly error: unknown;

  constructor(
    type: StateType,
    init: {
      name: string;
      message?: string | undefined;
      timestamp?: Date | undefined;
      data?: BaseResult<T> | undefined;
      stateDetails?: StateDetails | undefined;
      error?: unknown;
    },
  ) {
    this.id = uuid7();
    this.type = type;
    this.name = init.name;
    this.message = init.message;
    this.timestamp = init.timestamp ?? new Date();
    this.data = init.data;
    this.stateDetails = init.stateDetails ?? {};
    this.error = init.error;
  }

  isScheduled(): boolean { return this.type === "SCHEDULED"; }
  isPending(): boolean { return this.type === "PENDING"; }
  isRunning(): boolean { return this.type === "RUNNING"; }
  isCompleted(): boolean { return this.type === "COMPLETED"; }
  isFailed(): boolean { return this.type === "FAILED"; }
  isCancelled(): boolean { return this.type === "CANCELLED"; }
  isCrashed(): boolean { return this.type === "CRASHED"; }
  isPaused(): boolean { return this.type === "PAUSED"; }
  /** COMPLETED, FAILED, CANCELLED or CRASHED: the run will not change any more. */
  isFinal(): boolean { return FINAL_STATE_TYPES.has(this.type); }

  /**
   * The run's result. Rejects for a state that is not final; for a FAILED, CRASHED or
   * CANCELLED state, rejects with the run's error unless `raiseOnFailure` is false, in
   * which case it resolves to that error.
   */
  async result(options: ResultOptions = {}): Promise<T> {
    const raiseOnFailure = options.raiseOnFailure ?? true;
    if (this.type === "COMPLETED") {
      return this.data === undefined ? (undefined as T) : this.data.get();
    }
    if (!this.isFinal()) throw new UnfinishedRunError(this.type, this.name);
    const error = this.toError();
    if (raiseOnFailure) throw error;
    return error as T;
  }

  /** The error this (failed) state stands for. */
  toError(): unknown {
    if (this.error !== undefined) return this.error;
    return new FailedRunError(this.type, this.message ?? `The run ended in state ${this.name} (${this.type}).`);
  }

  /** A copy of this state with some fields replaced; it gets a new id, and the current time unless a timestamp is given. */
  copy(changes: Partial<{ name: string; message: string | undefined; data: BaseResult<T> | undefined; stateDetails: StateDetails; timestamp: Date }>): State<T> {
    return new State<T>(this.type, {
      name: changes.name ?? this.name,
      message: "message" in changes ? changes.message : this.message,
      timestamp: changes.timestamp ?? new Date(),
      data: "data" in changes ? changes.data : this.data,
      stateDetails: changes.stateDetails ?? this.stateDetails,
      error: this.error,
    });
  }

  toString(): string {
    return this.message ? `${this.name}('${this.message}')` : `${this.name}()`;
  }
}

/** True when `x` is a {@link State}. */
export function isState(x: unknown): x is State {
  return x instanceof State;
}
