import type { Redis } from "ioredis";
import { randomHex } from "../../utils/random-pool.js";
import type { CairnRedisKeys } from "./redis-keys.js";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Claims cache keys across processes with a Redis lock (`SET NX PX`, renewed while held,
 * released by its owner only), so two workers (or two flows) computing the same cache key
 * at once compute it once: the second waits, then finds the first one's entry. A holder
 * that dies leaves the lock to expire after `ttlMs`.
 *
 * @example
 * ```ts
 * const locks = new CacheKeyLock(redis, keys, 30_000);
 * const release = await locks.claim(cacheKey);
 * try { ... } finally { await release(); }
 * ```
 */
export class CacheKeyLock {
  constructor(
    private readonly redis: Redis,
    private readonly keys: CairnRedisKeys,
    private readonly ttlMs: number,
  ) {}

  /** Waits until this process holds `cacheKey`; resolves to the release. */
  async claim(cacheKey: string): Promise<() => Promise<void>> {
    const key = this.keys.cacheLock(cacheKey);
    const token = randomHex(16);
    let wait = 10;
    while ((await this.redis.set(key, token, "PX", this.ttlMs, "NX")) !== "OK") {
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 200);
    }
    const renew = setInterval(() => {
      this.redis.eval(RENEW, 1, key, token, this.ttlMs).catch(() => undefined);
    }, Math.max(50, Math.floor(this.ttlMs / 3)));
    renew.unref();
    return async () => {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, key, token);
    };
  }
}
