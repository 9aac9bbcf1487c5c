/**
 * Why a task run with a cache key ran instead of reusing a cached result:
 * - `no-entry`: nothing was ever cached under the key;
 * - `expired`: entries exist, but every one has expired (`cacheExpirationSeconds`);
 * - `missing-blob`: the entry's result file or object is gone from its storage;
 * - `corrupt-blob`: the entry's result blob failed its integrity check;
 * - `replaced-blob`: another valid blob was written over the entry's result since its run wrote it;
 * - `unreadable-blob`: the entry's result could not be read (storage unreachable, block deleted, ...);
 * - `refreshed`: `refreshCache` (or `CAIRN_TASKS_REFRESH_CACHE`) made it run and overwrite the entry.
 *
 * @example
 * ```ts
 * const reason: CacheMissReason = "expired";
 * ```
 */
export type CacheMissReason = (typeof CACHE_MISS_REASONS)[number];

/** Every {@link CacheMissReason}, in the order above (for schemas and pickers). */
export const CACHE_MISS_REASONS = [
  "no-entry", "expired", "missing-blob", "corrupt-blob", "replaced-blob", "unreadable-blob", "refreshed",
] as const;

/**
 * What the cache lookup of a task run found, as its states record it (`details.cache`):
 * on a Cached state, the entry it reused; on the first RUNNING state of a run that missed,
 * why, and the entry it could not use (when there was one).
 *
 * @example
 * ```ts
 * const hit: CacheOutcome = { hit: true, entryTaskRunId: "0193..." };
 * const miss: CacheOutcome = { hit: false, reason: "expired", entryTaskRunId: "0192..." };
 * ```
 */
export type CacheOutcome =
  | { hit: true; entryTaskRunId: string | null }
  | { hit: false; reason: CacheMissReason; entryTaskRunId?: string; message?: string };

/**
 * One input of a task run: the parameter's name, and the task runs whose futures were
 * passed for it (resolved before the run started).
 *
 * @example
 * ```ts
 * const input: TaskInput = { name: "user", upstream: ["0193..."] };
 * ```
 */
export interface TaskInput {
  name: string;
  upstream?: string[];
}
