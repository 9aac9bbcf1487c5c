import { isResult, type BaseResult } from "../results/base-result.js";
import { UnpersistedResult } from "../results/unpersisted-result.js";
import { State, type StateInit } from "./state.js";
import type { StateType } from "../records/index.js";

function make<T>(type: StateType, defaultName: string, init: StateInit<T> & { error?: unknown } = {}): State<T> {
  let data: BaseResult<T> | undefined;
  if (init.data !== undefined || "data" in init) {
    data = isResult(init.data) ? (init.data as BaseResult<T>) : UnpersistedResult.of(init.data as T);
  }
  return new State<T>(type, {
    name: init.name ?? defaultName,
    message: init.message,
    timestamp: init.timestamp,
    data,
    stateDetails: init.stateDetails,
    error: init.error,
  });
}

/**
 * A COMPLETED state. A flow or task that returns it ends in it, and `data` becomes the
 * run's result.
 *
 * @example
 * ```ts
 * const foo = flow({ persistResult: true }, () => Completed({ data: "completed" }));
 * await foo(); // "completed"
 * ```
 */
export function Completed<T = unknown>(init: StateInit<T> = {}): State<T> {
  return make("COMPLETED", "Completed", init);
}

/**
 * A FAILED state. A flow or task that returns it ends failed with this message.
 * `error` (optional) is what `result()` throws.
 */
export function Failed<T = unknown>(init: StateInit<T> & { error?: unknown } = {}): State<T> {
  return make("FAILED", "Failed", init);
}

/** A CANCELLED state. */
export function Cancelled<T = unknown>(init: StateInit<T> = {}): State<T> {
  return make("CANCELLED", "Cancelled", init);
}

/** A CRASHED state: the run stopped for a reason outside user code (its process died, ...). */
export function Crashed<T = unknown>(init: StateInit<T> & { error?: unknown } = {}): State<T> {
  return make("CRASHED", "Crashed", init);
}

/** A PENDING state: the run is created and waits to start. */
export function Pending<T = unknown>(init: StateInit<T> = {}): State<T> {
  return make("PENDING", "Pending", init);
}

/** A RUNNING state. */
export function Running<T = unknown>(init: StateInit<T> = {}): State<T> {
  return make("RUNNING", "Running", init);
}

/** A SCHEDULED state, due at `stateDetails.scheduledTime` (now when not given). */
export function Scheduled<T = unknown>(init: StateInit<T> & { scheduledTime?: Date } = {}): State<T> {
  const stateDetails = { ...init.stateDetails, scheduledTime: init.scheduledTime ?? init.stateDetails?.scheduledTime ?? new Date() };
  return make("SCHEDULED", "Scheduled", { ...init, stateDetails });
}

/** A PAUSED state. */
export function Paused<T = unknown>(init: StateInit<T> = {}): State<T> {
  return make("PAUSED", "Paused", init);
}

/** A COMPLETED state named `"Cached"`: the result came from the cache. */
export function Cached<T = unknown>(init: StateInit<T> = {}): State<T> {
  return make("COMPLETED", "Cached", init);
}

/** A SCHEDULED state named `"AwaitingRetry"`: the run failed and will be retried at `scheduledTime`. */
export function AwaitingRetry<T = unknown>(init: StateInit<T> & { scheduledTime?: Date } = {}): State<T> {
  return Scheduled<T>({ ...init, name: init.name ?? "AwaitingRetry" });
}

/** A RUNNING state named `"Retrying"`: a retry attempt has started. */
export function Retrying<T = unknown>(init: StateInit<T> = {}): State<T> {
  return make("RUNNING", "Retrying", init);
}
