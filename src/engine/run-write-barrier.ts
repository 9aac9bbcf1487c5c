import type { OrchestrationClient } from "../client/orchestration-client.js";

/**
 * Makes a run's existence durable before its first result blob is written, so that after
 * any crash every blob on disk belongs to a run the metadata store knows (a kill between
 * the blob and the state referring to it leaves a blob of a known, CRASHED run, which
 * `cairn results prune --orphans` sweeps).
 *
 * One per flow run (and per standalone task run): the first persisted result waits for
 * one write barrier of the client ({@link OrchestrationClient.barrier}); every later one
 * goes straight on, synchronously.
 *
 * @example
 * ```ts
 * const barrier = new RunWriteBarrier(client); // after the flow run's row was recorded
 * const result = await barrier.whenDurable(() => createResult(value, decision, owner));
 * ```
 */
export class RunWriteBarrier {
  readonly #client: OrchestrationClient;
  #waiting: Promise<void> | undefined;
  #passed = false;

  constructor(client: OrchestrationClient) {
    this.#client = client;
  }

  /** Runs `write` once the run's rows recorded so far are durable (at once after the first time). */
  whenDurable<R>(write: () => R | Promise<R>): R | Promise<R> {
    if (this.#passed) return write();
    this.#waiting ??= this.#client.barrier().then(() => {
      this.#passed = true;
    });
    return this.#waiting.then(write);
  }
}
