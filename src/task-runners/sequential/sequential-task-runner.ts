import type { State } from "../../states/state.js";
import type { TaskRunner, TaskRunWork } from "../task-runner.js";

/**
 * Runs submitted tasks one after another, in submission order: a task run starts when
 * the one submitted before it has finished.
 *
 * @example
 * ```ts
 * flow({ taskRunner: new SequentialTaskRunner() }, async () => { ... });
 * ```
 */
export class SequentialTaskRunner implements TaskRunner {
  readonly name = "sequential";
  #tail: Promise<unknown> = Promise.resolve();

  submit<T>(work: TaskRunWork<T>): Promise<State<T>> {
    const next = this.#tail.then(() => work.run());
    this.#tail = next;
    return next;
  }
}
