import type { WriteBatch } from "../../database/service/write-batch.js";
import type { FlowRunRecord, LogRecord, StateRecord, TaskRunRecord } from "../../records/index.js";

export type { WriteBatch } from "../../database/service/write-batch.js";

/**
 * Changes recorded but not written yet. Run rows are coalesced by id (the newest
 * version wins); states and log lines are kept in recording order. Recording is a
 * `Map#set` or an `Array#push`: no I/O, no promise.
 *
 * @example
 * ```ts
 * const queue = new WriteQueue();
 * queue.states.push(state);
 * const batch = queue.take(); // everything queued, in order
 * ```
 */
export class WriteQueue {
  flowRuns = new Map<string, FlowRunRecord>();
  taskRuns = new Map<string, TaskRunRecord>();
  states: StateRecord[] = [];
  logs: LogRecord[] = [];
  /** Changes recorded since the last {@link WriteQueue.take} (coalesced ones included). */
  recorded = 0;

  /** Whether nothing is waiting to be written. */
  get isEmpty(): boolean {
    return (
      this.flowRuns.size === 0 &&
      this.taskRuns.size === 0 &&
      this.states.length === 0 &&
      this.logs.length === 0
    );
  }

  /** The number of rows waiting to be written. */
  get size(): number {
    return this.flowRuns.size + this.taskRuns.size + this.states.length + this.logs.length;
  }

  /** Removes and returns everything queued. */
  take(): WriteBatch {
    const batch: WriteBatch = {
      flowRuns: [...this.flowRuns.values()],
      taskRuns: [...this.taskRuns.values()],
      states: this.states,
      logs: this.logs,
    };
    this.flowRuns = new Map();
    this.taskRuns = new Map();
    this.states = [];
    this.logs = [];
    this.recorded = 0;
    return batch;
  }

  /**
   * Puts back a batch that could not be written, ahead of anything recorded since
   * (so order is kept, and newer versions of the same runs still win).
   */
  restore(batch: WriteBatch): void {
    this.flowRuns = mergeNewer(batch.flowRuns, this.flowRuns);
    this.taskRuns = mergeNewer(batch.taskRuns, this.taskRuns);
    this.states = batch.states.concat(this.states);
    this.logs = batch.logs.concat(this.logs);
    this.recorded = this.size;
  }
}

function mergeNewer<R extends { id: string }>(older: R[], newer: Map<string, R>): Map<string, R> {
  const merged = new Map<string, R>();
  for (const run of older) merged.set(run.id, run);
  for (const [id, run] of newer) merged.set(id, run);
  return merged;
}
