import type { State } from "../states/state.js";
import type { RemoteTaskRun } from "../engine/remote-task-spec.js";

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
  /**
   * For runners that run the task in another process (BullMQ workers): describes the
   * run for that process and settles it here. Set for task runs submitted inside a flow.
   */
  readonly remote?: RemoteTaskRun<T>;
}

/**
 * Where submitted tasks run (DESIGN §1 `taskRunner`, §8). Implementations: concurrent
 * (in-process, default), sequential, and distributed (`BullMQTaskRunner` from `cairn/bullmq`).
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
