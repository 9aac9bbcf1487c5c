import type { State } from "../states/state.js";

/**
 * One submitted task run, as a task runner sees it: who it is, and how to run it here.
 * `run()` performs the whole task-run lifecycle (states, retries, results) and never
 * rejects: failures end in a FAILED state.
 */
export interface TaskRunWork<T = unknown> {
  readonly taskRunId: string;
  readonly taskName: string;
  readonly taskKey: string;
  run(): Promise<State<T>>;
}

/**
 * Where submitted tasks run (DESIGN §1 `taskRunner`, §8). Implementations: concurrent
 * (in-process, default), sequential, and later distributed (BullMQ on Redis).
 *
 * @example
 * ```ts
 * const myFlow = flow({ taskRunner: new SequentialTaskRunner() }, async () => { ... });
 * ```
 */
export interface TaskRunner {
  /** A short name for logs, e.g. `"concurrent"`. */
  readonly name: string;
  /** Starts (or queues) a task run; resolves to its final state. Never rejects. */
  submit<T>(work: TaskRunWork<T>): Promise<State<T>>;
}
