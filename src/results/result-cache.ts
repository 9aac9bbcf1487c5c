/**
 * A bounded, least-recently-used cache of deserialized result values, shared by all
 * persisted results of the process, keyed by storage and key. Keeps repeated `get()`
 * calls from reading storage again without holding every value ever read.
 */
export class ResultValueCache {
  readonly #entries = new Map<string, unknown>();
  constructor(readonly maxEntries: number) {}

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  get(key: string): unknown {
    const value = this.#entries.get(key);
    // Refresh recency.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: string, value: unknown): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * The key of a value in {@link resultValueCache}: its storage, its key and the blob's
 * integrity hash, so a blob written again under the same key is never answered with
 * the value of the one it replaced.
 */
export function resultCacheKey(storage: { describe(): string }, reference: { storageKey: string; integrity?: string | null | undefined }): string {
  return `${storage.describe()}\u0000${reference.storageKey}\u0000${reference.integrity ?? ""}`;
}

/** The process-wide cache used by `PersistedResult.get()`: at most 100 values. */
export const resultValueCache = new ResultValueCache(100);
