import { createHash } from "node:crypto";

/**
 * The Redis keys Cairn keeps next to BullMQ's (under the same prefix), so one `prefix`
 * separates everything of one deployment.
 *
 * @example
 * ```ts
 * const keys = new CairnRedisKeys("bull", "cairn");
 * keys.outcome("0a1b..."); // "bull:cairn:cairn-outcome:0a1b..."
 * ```
 */
export class CairnRedisKeys {
  constructor(
    readonly prefix: string,
    readonly queue: string,
  ) {}

  /** The outcome of a job too large for its BullMQ return value (read and deleted by the flow). */
  outcome(jobId: string): string {
    return `${this.prefix}:${this.queue}:cairn-outcome:${jobId}`;
  }

  /** BullMQ's events stream of the queue. */
  get events(): string {
    return `${this.prefix}:${this.queue}:events`;
  }

  /** The lock of a cache key while one process computes it (across queues: cache keys are global). */
  cacheLock(cacheKey: string): string {
    return `${this.prefix}:cairn-cache-lock:${createHash("sha256").update(cacheKey).digest("hex").slice(0, 40)}`;
  }

  /** The sorted set of live workers (member: worker id, score: last heartbeat in ms). */
  get workers(): string {
    return `${this.prefix}:cairn-workers`;
  }

  /** One worker's heartbeat hash (expires when the worker stops beating). */
  worker(id: string): string {
    return `${this.prefix}:cairn-worker:${id}`;
  }
}
