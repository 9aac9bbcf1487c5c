import type { CairnErrorContext } from "../errors/cairn-error.js";
import { AwaitingRetry, Failed, Retrying, Running } from "../states/constructors.js";
import type { State, StateDetails } from "../states/state.js";
import { retryDelayMs, type RunOptions } from "./options.js";
import { PersistenceDisabledError, RunTimeoutError } from "./run-errors.js";
import type { RunLogger } from "./run-logger.js";

/** What {@link runAttempts} needs from a flow run or a task run. */
export interface AttemptHooks<T> {
  /** e.g. `Task run 'extract-0'`, for messages. */
  readonly label: string;
  readonly options: RunOptions;
  /** Whether the run explicitly disabled persistence (`persistResult: false`). */
  readonly persistenceDisabled: boolean;
  /** Attempts already made before this call (a task run resumed on a flow retry). */
  readonly previousAttempts: number;
  readonly logger: RunLogger;
  readonly errorContext: CairnErrorContext;
  /** The parent's signal: aborting it aborts this run. */
  readonly parentSignal: AbortSignal | undefined;
  /** Details of the first RUNNING (or Retrying) state of this call: a task run's inputs, why its cache missed. */
  readonly firstStateDetails?: StateDetails | undefined;
  setState(state: State): void;
  /** Calls the user function for attempt `attempt` (1-based over the run's life). */
  invoke(attempt: number, signal: AbortSignal): unknown;
  /** Builds the final state from the function's return value (results are created here). */
  finish(value: unknown): State<T> | Promise<State<T>>;
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs attempts until one does not fail or retries are exhausted: RUNNING (or
 * "Retrying"), then the final state, with "AwaitingRetry" and a delay between
 * attempts. Never rejects: errors become FAILED states carrying the error's message.
 */
export async function runAttempts<T>(hooks: AttemptHooks<T>): Promise<State<T>> {
  const retries = hooks.options.retries ?? 0;
  const timeoutSeconds = hooks.options.timeoutSeconds;
  const firstInit = hooks.firstStateDetails === undefined ? undefined : { stateDetails: hooks.firstStateDetails };
  for (let retry = 0; ; retry++) {
    const attempt = hooks.previousAttempts + retry + 1;
    if (retry > 0 || hooks.previousAttempts > 0) {
      if (hooks.persistenceDisabled) {
        const error = new PersistenceDisabledError(
          `${hooks.label} cannot be retried: it sets persistResult: false, and retries need the result to be persisted ` +
            "so that a retried run can pass on the same data. The function was not called again. " +
            "Remove persistResult: false (or set it to true) to allow retries, or set retries: 0.",
          { ...hooks.errorContext, attempt },
        );
        const failed = Failed<T>({ message: error.message, error });
        hooks.setState(failed);
        return failed;
      }
      hooks.setState(Retrying(retry === 0 ? firstInit : undefined));
    } else {
      hooks.setState(Running(firstInit));
    }

    let state: State<T>;
    try {
      let value: unknown;
      if (timeoutSeconds === undefined) {
        value = hooks.invoke(attempt, hooks.parentSignal ?? NEVER_ABORTED);
        if (isThenable(value)) value = await value;
      } else {
        value = await withTimeout(hooks, attempt, timeoutSeconds);
      }
      // A synchronous result goes on without a trip through the microtask queue.
      const finished = hooks.finish(value);
      state = finished instanceof Promise ? await finished : finished;
    } catch (error) {
      state = Failed<T>({ message: errorMessage(error), error });
    }

    if (state.isFailed() && retry < retries) {
      const delay = retryDelayMs(hooks.options, retry + 1);
      hooks.logger.warning(
        `${hooks.label} failed (attempt ${attempt}): ${state.message ?? ""}. Retry ${retry + 1}/${retries} in ${delay / 1000}s.`,
      );
      hooks.setState(
        AwaitingRetry({ message: state.message, scheduledTime: new Date(Date.now() + delay) }),
      );
      if (delay > 0) await sleep(delay);
      continue;
    }
    hooks.setState(state);
    return state;
  }
}

async function withTimeout<T>(hooks: AttemptHooks<T>, attempt: number, timeoutSeconds: number): Promise<unknown> {
  const controller = new AbortController();
  const parent = hooks.parentSignal;
  const onParentAbort = (): void => controller.abort(parent?.reason);
  parent?.addEventListener("abort", onParentAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new RunTimeoutError(
        `${hooks.label} timed out after ${timeoutSeconds} second${timeoutSeconds === 1 ? "" : "s"} ` +
          `(timeoutSeconds: ${timeoutSeconds}). Raise timeoutSeconds, or make the work faster; ` +
          "async code can stop early by watching getRunContext().signal.",
        { ...hooks.errorContext, attempt },
      );
      controller.abort(error);
      reject(error);
    }, timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([Promise.resolve(hooks.invoke(attempt, controller.signal)), timeout]);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener("abort", onParentAbort);
  }
}

/** The message a FAILED state carries for an error. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return `Non-error value thrown: ${JSON.stringify(error)}`;
  } catch {
    return `Non-error value thrown: ${String(error)}`;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
