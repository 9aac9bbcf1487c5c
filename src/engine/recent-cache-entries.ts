import type { BaseResult } from "../results/base-result.js";

/** A cache entry: its result and the task run that wrote it. */
export interface RecentCacheEntry {
  result: BaseResult;
  /** The task run whose result this is. */
  taskRunId: string;
}

interface Entry extends RecentCacheEntry {
  /** Epoch ms after which the entry is a miss; null for never. */
  expiresAt: number | null;
}

/**
 * The cache entries an engine computed recently, by cache key: a bounded LRU map.
 * Lets a task called twice in a row hit its own fresh entry before the store has it,
 * without a store round trip per hit.
 */
export class RecentCacheEntries {
  readonly #entries = new Map<string, Entry>();
  constructor(readonly maxEntries: number) {}

  /** The unexpired entry for `key`, if any. */
  get(key: string, now = Date.now()): RecentCacheEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt !== null && entry.expiresAt <= now) return undefined;
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, result: BaseResult, expiresAt: Date | null, taskRunId: string): void {
    this.#entries.delete(key);
    this.#entries.set(key, { result, taskRunId, expiresAt: expiresAt?.getTime() ?? null });
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
