import type { ResultOptions, State } from "../states/state.js";

/**
 * A task run submitted to the flow's task runner. `result()` resolves to the task's
 * return value (rejecting when the run failed); `wait()` resolves to its final state.
 * A future may be passed as an argument to another task: it is resolved first.
 *
 * @example
 * ```ts
 * const future = double.submit(21);
 * await future.result(); // 42
 * ```
 */
export class TaskFuture<T = unknown> {
  /** The id of the task run behind this future. */
  readonly taskRunId: string;
  /** The task run's name, e.g. `"double-0"`. */
  readonly taskRunName: string;
  readonly #state: Promise<State<T>>;

  /** @internal */
  constructor(taskRunId: string, taskRunName: string, state: Promise<State<T>>) {
    this.taskRunId = taskRunId;
    this.taskRunName = taskRunName;
    this.#state = state;
  }

  /** Resolves to the task run's final state. Never rejects. */
  wait(): Promise<State<T>> {
    return this.#state;
  }

  /** Resolves to the task's return value; rejects with its error when the run failed (unless `raiseOnFailure: false`). */
  async result(options: ResultOptions = {}): Promise<T> {
    return (await this.#state).result(options);
  }
}

/** True when `x` is a {@link TaskFuture}. */
export function isTaskFuture(x: unknown): x is TaskFuture {
  return x instanceof TaskFuture;
}
