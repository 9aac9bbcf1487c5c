/**
 * Distributed execution on BullMQ (Redis): a task runner that sends submitted task runs
 * to `cairn worker` processes on any number of machines. See `docs/distributed.md`.
 *
 * @example
 * ```ts
 * import { flow, task } from "cairn";
 * import { BullMQTaskRunner } from "cairn/bullmq";
 * export const square = task((n: number) => n * n);
 * export const squares = flow({ taskRunner: new BullMQTaskRunner({ connection: "redis://127.0.0.1:6379" }) },
 *   async (ns: number[]) => Promise.all(square.map(ns).map((f) => f.result())));
 * ```
 * @packageDocumentation
 */
export { BullMQTaskRunner, type BullMQTaskRunnerOptions } from "./task-runners/bullmq/bullmq-task-runner.js";
export { DistributedError, DistributedErrorCode } from "./task-runners/bullmq/distributed-error.js";
export type { RedisConnectionOption } from "./task-runners/bullmq/redis-connection.js";
export { CairnWorker, type CairnWorkerOptions, type WorkerOptionSource } from "./worker/cairn-worker.js";
export type { WorkerInfo } from "./worker/worker-registry.js";
