import { ConfigurationError } from "../../errors/configuration-error.js";
import type { State } from "../../states/state.js";
import type { TaskRunner, TaskRunWork } from "../task-runner.js";

/** Options of {@link ConcurrentTaskRunner}. */
export interface ConcurrentTaskRunnerOptions {
  /** At most this many submitted task runs at once. @default Infinity */
  maxConcurrency?: number;
}

/**
 * Runs submitted tasks concurrently in this process (the default task runner). Async
 * tasks interleave on the event loop; synchronous task functions still run one at a time.
 *
 * @example
 * ```ts
 * flow({ taskRunner: new ConcurrentTaskRunner({ maxConcurrency: 8 }) }, async () => { ... });
 * ```
 */
export class ConcurrentTaskRunner implements TaskRunner {
  readonly name = "concurrent";
  readonly maxConcurrency: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(options: ConcurrentTaskRunnerOptions = {}) {
    const max = options.maxConcurrency ?? Infinity;
    if (!(max >= 1)) {
      throw new ConfigurationError(`ConcurrentTaskRunner maxConcurrency must be at least 1, got ${String(max)}.`);
    }
    this.maxConcurrency = max;
  }

  submit<T>(work: TaskRunWork<T>): Promise<State<T>> {
    if (this.maxConcurrency === Infinity) return work.run();
    if (this.#running < this.maxConcurrency) return this.#start(work);
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() => this.#start(work));
  }

  async #start<T>(work: TaskRunWork<T>): Promise<State<T>> {
    this.#running++;
    try {
      return await work.run();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}
