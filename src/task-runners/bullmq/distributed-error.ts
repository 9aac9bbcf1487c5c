import { CairnError, type CairnErrorContext } from "../../errors/cairn-error.js";

/**
 * The stable codes a {@link DistributedError} carries.
 *
 * @example
 * ```ts
 * if (isCairnError(error, DistributedErrorCode.RedisUnreachable)) console.error("start Redis first");
 * ```
 */
export const DistributedErrorCode = {
  /** Redis did not answer within the connect timeout. */
  RedisUnreachable: "REDIS_UNREACHABLE",
  /** The flow's result storage is not the same storage on the worker (a local folder on another machine). */
  StorageNotShared: "STORAGE_NOT_SHARED",
  /** A job names a task that no module the worker loaded defines. */
  TaskNotFound: "TASK_NOT_FOUND",
  /** Two different tasks that the worker loaded have one task key. */
  DuplicateTaskKey: "DUPLICATE_TASK_KEY",
  /** A `--module` could not be imported. */
  ModuleLoadFailed: "WORKER_MODULE_LOAD_FAILED",
  /** An argument or return value could not be serialized to travel between processes. */
  ValueNotSendable: "VALUE_NOT_SENDABLE",
  /** BullMQ failed the job outside the task (the worker could not run it or hand its outcome back). */
  JobFailed: "JOB_FAILED",
  /** The flow run failed or timed out before the task run started: its queued job was removed. */
  JobDropped: "JOB_DROPPED",
  /** A stopping worker still had jobs running when its grace period ended. */
  NotDrained: "WORKER_NOT_DRAINED",
  /** Worker options or flags are wrong. */
  InvalidWorkerOptions: "INVALID_WORKER_OPTIONS",
} as const;

/** One of the {@link DistributedErrorCode} values. */
export type DistributedErrorCode = (typeof DistributedErrorCode)[keyof typeof DistributedErrorCode];

/**
 * Something went wrong between a flow and its BullMQ workers: Redis, shared storage, the
 * worker's modules. The message says what happened, why, and what to do.
 *
 * @example
 * ```ts
 * const state = await squares.returnState([1, 2]);
 * const error = await state.result({ raiseOnFailure: false });
 * if (error instanceof DistributedError) console.error(error.code, error.message);
 * ```
 */
export class DistributedError extends CairnError {
  declare readonly code: DistributedErrorCode;

  constructor(code: DistributedErrorCode, message: string, options: { cause?: unknown; context?: CairnErrorContext } = {}) {
    super(code, message, options);
  }
}
