import type { FlowRunRecord, LogRecord, StateRecord, TaskRunRecord } from "../../records/index.js";

/**
 * Changes written together, in one transaction: run rows (upserted by id, the newest
 * version wins), then states and log lines (appended, in this order).
 *
 * @example
 * ```ts
 * const batch: WriteBatch = { flowRuns: [run], taskRuns: [], states: [running], logs: [] };
 * await service.writeBatch(batch, { batchId: randomUUID() });
 * ```
 */
export interface WriteBatch {
  flowRuns: FlowRunRecord[];
  taskRuns: TaskRunRecord[];
  states: StateRecord[];
  logs: LogRecord[];
}

/**
 * The number of rows a batch holds.
 *
 * @example
 * ```ts
 * batchSize({ flowRuns: [run], taskRuns: [], states: [a, b], logs: [] }); // 3
 * ```
 */
export function batchSize(batch: WriteBatch): number {
  return batch.flowRuns.length + batch.taskRuns.length + batch.states.length + batch.logs.length;
}

/**
 * The batch with each run once (its last version): a multi-row upsert may not touch one
 * row twice on PostgreSQL. States and log lines are kept as they are, in order.
 *
 * @example
 * ```ts
 * coalesceRuns({ flowRuns: [v1, v2], taskRuns: [], states: [], logs: [] }).flowRuns; // [v2] when v1.id === v2.id
 * ```
 */
export function coalesceRuns(batch: WriteBatch): WriteBatch {
  const unique = <R extends { id: string }>(runs: R[]): R[] => {
    if (runs.length < 2) return runs;
    const byId = new Map<string, R>();
    for (const run of runs) byId.set(run.id, run);
    return byId.size === runs.length ? runs : [...byId.values()];
  };
  return { ...batch, flowRuns: unique(batch.flowRuns), taskRuns: unique(batch.taskRuns) };
}
