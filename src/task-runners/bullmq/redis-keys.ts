import { createHash } from "node:crypto";

/**
 * The Redis keys Cairn keeps next to BullMQ's (under the same prefix), so one `prefix`
 * separates everything of one deployment.
 *
 * @example
 * ```ts
 * const keys = new CairnRedisKeys("bull", "cairn");
 * keys.replies("0a1b..."); // "bull:cairn:cairn-replies:0a1b..."
 * ```
 */
export class CairnRedisKeys {
  constructor(
    readonly prefix: string,
    readonly queue: string,
  ) {}

  /** The list one `BullMQTaskRunner` reads its jobs' replies from (`runnerId`: the runner's, the same across its reconnections). */
  replies(runnerId: string): string {
    return `${this.prefix}:${this.queue}:cairn-replies:${runnerId}`;
  }

  /** The prefix of BullMQ's job hashes in the queue (the job id follows). */
  get jobPrefix(): string {
    return `${this.prefix}:${this.queue}:`;
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
