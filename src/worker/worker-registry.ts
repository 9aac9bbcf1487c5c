import type { Redis } from "ioredis";
import type { CairnRedisKeys } from "../task-runners/bullmq/redis-keys.js";

/** One live worker, as `cairn worker ls` shows it. */
export interface WorkerInfo {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly queue: string;
  readonly concurrency: number;
  /** Jobs running now. */
  readonly running: number;
  /** Jobs finished since the worker started (whatever their task run's state). */
  readonly finished: number;
  /** When the worker started, ISO text. */
  readonly started: string;
  /** Its last heartbeat, ISO text. */
  readonly heartbeat: string;
  /** The modules it loaded. */
  readonly modules: readonly string[];
}

/** How often workers beat. */
export const HEARTBEAT_MS = 5_000;
/** A worker that missed this many heartbeats is no longer listed. */
const MISSED_BEATS = 3;

/**
 * Where live workers announce themselves in Redis: a hash per worker that expires unless
 * refreshed, indexed by a sorted set of last heartbeats.
 *
 * @example
 * ```ts
 * const registry = new WorkerRegistry(redis, new CairnRedisKeys("bull", "cairn"));
 * for (const w of await registry.list()) console.log(w.host, w.pid, w.running);
 * ```
 */
export class WorkerRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: CairnRedisKeys,
  ) {}

  /** Records a heartbeat of `info` (its `heartbeat` is now). */
  async beat(info: Omit<WorkerInfo, "heartbeat">): Promise<void> {
    const now = Date.now();
    const key = this.keys.worker(info.id);
    await this.redis
      .multi()
      .hset(key, {
        id: info.id, host: info.host, pid: String(info.pid), queue: info.queue, concurrency: String(info.concurrency),
        running: String(info.running), finished: String(info.finished), started: info.started,
        heartbeat: new Date(now).toISOString(), modules: JSON.stringify(info.modules),
      })
      .pexpire(key, HEARTBEAT_MS * MISSED_BEATS)
      .zadd(this.keys.workers, now, info.id)
      .exec();
  }

  /** Removes a worker that stops. */
  async remove(id: string): Promise<void> {
    await this.redis.multi().del(this.keys.worker(id)).zrem(this.keys.workers, id).exec();
  }

  /** The live workers (of every queue under the prefix), oldest first; forgets those that stopped beating. */
  async list(): Promise<WorkerInfo[]> {
    await this.redis.zremrangebyscore(this.keys.workers, "-inf", Date.now() - HEARTBEAT_MS * MISSED_BEATS);
    const ids = await this.redis.zrange(this.keys.workers, 0, -1);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.worker(id));
    const rows = (await pipeline.exec()) ?? [];
    const out: WorkerInfo[] = [];
    for (const [, row] of rows) {
      const h = row as Record<string, string> | null;
      if (h === null || h.id === undefined) continue;
      out.push({
        id: h.id, host: h.host ?? "", pid: Number(h.pid), queue: h.queue ?? "", concurrency: Number(h.concurrency),
        running: Number(h.running), finished: Number(h.finished), started: h.started ?? "", heartbeat: h.heartbeat ?? "",
        modules: JSON.parse(h.modules ?? "[]") as string[],
      });
    }
    return out.sort((a, b) => a.started.localeCompare(b.started));
  }
}
