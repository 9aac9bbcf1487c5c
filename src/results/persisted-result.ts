import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import type { BaseResult, ResultRecord } from "./base-result.js";
import { MissingResult } from "./missing-result.js";
import { readPersistedValue } from "./read-persisted-value.js";
import { resultValueCache } from "./result-cache.js";

const NOT_HELD = Symbol("not-held");

/** What a {@link PersistedResult} is made from. */
export interface PersistedResultInit<T> {
  storageKey: string;
  /** The saved block document the storage is, or null when it has none (yet). */
  storageBlockId: string | null;
  serializerType: string;
  expiration: Date | null;
  /** The storage to read from; without it, `get()` can only answer from memory. */
  storage: WritableFileSystem | undefined;
  /** Keep the value on this object (`cacheResultInMemory`). */
  value?: T;
  holdValue?: boolean;
}

/**
 * A result written to storage, as a reference: `storageKey`, `storageBlockId`,
 * `serializerType` and `expiration`. `get()` reads the blob, checks it, deserializes the
 * value and keeps it in a bounded in-memory cache.
 *
 * @example
 * ```ts
 * const state = await myTask.returnState();
 * if (state.data?.type === "reference") console.log(state.data.storageKey);
 * ```
 */
export class PersistedResult<T = unknown> implements BaseResult<T> {
  readonly type = "reference" as const;
  readonly storageKey: string;
  readonly storageBlockId: string | null;
  readonly serializerType: string;
  readonly expiration: Date | null;
  readonly #storage: WritableFileSystem | undefined;
  #value: T | typeof NOT_HELD;

  constructor(init: PersistedResultInit<T>) {
    this.storageKey = init.storageKey;
    this.storageBlockId = init.storageBlockId;
    this.serializerType = init.serializerType;
    this.expiration = init.expiration;
    this.#storage = init.storage;
    this.#value = init.holdValue === true ? (init.value as T) : NOT_HELD;
  }

  /** The storage this result lives in, when known. */
  get storage(): WritableFileSystem | undefined {
    return this.#storage;
  }

  /** Whether the value is held in memory (no storage read needed). */
  get inMemory(): boolean {
    return this.#value !== NOT_HELD;
  }

  async get(): Promise<T> {
    if (this.#value !== NOT_HELD) return this.#value;
    const storage = this.#storage;
    if (storage === undefined) {
      throw new MissingResult(
        `The result at key ${JSON.stringify(this.storageKey)} cannot be read: the storage block it was written to is not known here. ` +
          "Read it with readResult(key, { storage }) or `cairn result read KEY --storage SLUG`.",
      );
    }
    const cacheKey = `${storage.describe()}\u0000${this.storageKey}`;
    if (resultValueCache.has(cacheKey)) return resultValueCache.get(cacheKey) as T;
    const value = await readPersistedValue<T>(storage, this.storageKey);
    resultValueCache.set(cacheKey, value);
    return value;
  }

  toRecord(): ResultRecord {
    return {
      type: "reference",
      storageKey: this.storageKey,
      storageBlockId: this.storageBlockId,
      serializerType: this.serializerType,
      expiration: this.expiration?.toISOString() ?? null,
    };
  }
}
