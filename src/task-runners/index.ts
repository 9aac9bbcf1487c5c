export type { TaskRunner, TaskRunWork } from "./task-runner.js";
export { ConcurrentTaskRunner, type ConcurrentTaskRunnerOptions } from "./concurrent/concurrent-task-runner.js";
export { SequentialTaskRunner } from "./sequential/sequential-task-runner.js";
