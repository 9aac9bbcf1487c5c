import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import type { BaseResult, ResultRecord } from "./base-result.js";
import { MissingResult } from "./missing-result.js";
import { readPersistedValue } from "./read-persisted-value.js";
import { resultCacheKey, resultValueCache } from "./result-cache.js";

const NOT_HELD = Symbol("not-held");

/** What a {@link PersistedResult} is made from. */
export interface PersistedResultInit<T> {
  storageKey: string;
  /** The saved block document the storage is, or null when it has none (yet). */
  storageBlockId: string | null;
  serializerType: string;
  expiration: Date | null;
  /** The blob's integrity hash as written (`sha256-...`); undefined for references recorded before Cairn kept it. */
  integrity?: string | undefined;
  /** The run that wrote it, named when the blob was replaced since, e.g. `task run 'extract-0' (0190...)`. */
  writtenBy?: string | undefined;
  /** The storage to read from; without it, `get()` can only answer from memory. */
  storage: WritableFileSystem | undefined;
  /** Keep the value on this object (`cacheResultInMemory`). */
  value?: T;
  holdValue?: boolean;
}

/**
 * A result written to storage, as a reference: `storageKey`, `storageBlockId`,
 * `serializerType`, `expiration` and the blob's `integrity` hash. `get()` reads the blob,
 * checks it (its own hash, and that it is still the blob this reference recorded: a
 * blob replaced since is a `ResultReplacedError`), deserializes the value and keeps it in
 * a bounded in-memory cache.
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
  /** The blob's integrity hash (`sha256-...`) as written; undefined for references recorded by an older Cairn. */
  readonly integrity: string | undefined;
  readonly #writtenBy: string | undefined;
  readonly #storage: WritableFileSystem | undefined;
  #value: T | typeof NOT_HELD;
  #recordText: string | undefined;

  constructor(init: PersistedResultInit<T>) {
    this.storageKey = init.storageKey;
    this.storageBlockId = init.storageBlockId;
    this.serializerType = init.serializerType;
    this.expiration = init.expiration;
    this.integrity = init.integrity;
    this.#writtenBy = init.writtenBy;
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
    const cacheKey = resultCacheKey(storage, this);
    if (resultValueCache.has(cacheKey)) return resultValueCache.get(cacheKey) as T;
    const value = await readPersistedValue<T>(storage, this.storageKey, { expectedIntegrity: this.integrity, writtenBy: this.#writtenBy });
    resultValueCache.set(cacheKey, value);
    return value;
  }

  toRecord(): ResultRecord {
    const record: ResultRecord = {
      type: "reference",
      storageKey: this.storageKey,
      storageBlockId: this.storageBlockId,
      serializerType: this.serializerType,
      expiration: this.expiration?.toISOString() ?? null,
    };
    if (this.integrity !== undefined) record.integrity = this.integrity;
    return record;
  }

  /**
   * `JSON.stringify(this.toRecord())`, what the metadata store keeps in a state's `data`:
   * built once, from its fields' JSON, without the intermediate object.
   */
  toRecordText(): string {
    this.#recordText ??=
      `{"type":"reference","storageKey":${JSON.stringify(this.storageKey)},"storageBlockId":${JSON.stringify(this.storageBlockId)}` +
      `,"serializerType":${JSON.stringify(this.serializerType)},"expiration":${this.expiration === null ? "null" : JSON.stringify(this.expiration.toISOString())}` +
      `${this.integrity === undefined ? "" : `,"integrity":${JSON.stringify(this.integrity)}`}}`;
    return this.#recordText;
  }
}
