import type { OrchestrationClient } from "../client/orchestration-client.js";
import type { CacheKeyContext } from "../caching/cache-key-context.js";
import type { ResultRecord, BaseResult } from "../results/base-result.js";
import { LiteralResult } from "../results/literal-result.js";
import { PersistedResult } from "../results/persisted-result.js";
import type { ResultDecision } from "../results/persistence-decision.js";
import { readResultReference } from "../results/read-result-reference.js";
import { resultCacheKey, resultValueCache } from "../results/result-cache.js";
import type { Engine } from "./engine.js";
import type { TaskOptions } from "./options.js";
import type { RunLogger } from "./run-logger.js";
import { isStorageError, StorageErrorCode } from "../blocks/storage-error.js";
import { ResultIntegrityError } from "../results/blob/result-integrity-error.js";
import { ResultReplacedError } from "../results/result-replaced-error.js";
import type { CacheMissReason } from "../states/cache-outcome.js";
import { errorMessage } from "./run-attempts.js";

/** Whether a task caches at all: it has a cache key function or a policy. */
export function isCachingTask(options: TaskOptions<any>): boolean {
  return options.cacheKeyFn !== undefined || options.cachePolicy !== undefined;
}

/**
 * The cache key of one call, or null for no caching. A key function that throws or
 * returns something else than a string means no caching for this run, with a warning —
 * never a wrong hit.
 */
export function computeCacheKey(
  options: TaskOptions<any>,
  context: CacheKeyContext,
  args: readonly unknown[],
  logger: RunLogger,
): string | null {
  const source = options.cacheKeyFn !== undefined ? "cacheKeyFn" : `cache policy ${options.cachePolicy?.description ?? ""}`;
  try {
    const key = options.cacheKeyFn !== undefined ? options.cacheKeyFn(context, args as never) : options.cachePolicy!.computeKey(context, args);
    if (key === null || key === undefined) return null;
    if (typeof key !== "string" || key.length === 0) {
      logger.warning(`The ${source} returned ${typeof key === "string" ? "an empty string" : `a ${typeof key}`}, not a string key: this run is not cached.`);
      return null;
    }
    return key;
  } catch (error) {
    logger.warning(`The ${source} failed (${errorMessage(error)}): this run is not cached.`);
    return null;
  }
}

/** What {@link lookupCache} found: a usable entry, or why there is none. */
export type CacheLookup =
  | { result: BaseResult; entryTaskRunId: string }
  | { result?: undefined; miss: CacheMissReason; entryTaskRunId?: string; message?: string };

/** Passed as `now` to read entries whatever their expiration (expired ones tell a miss's reason). */
const ANY_EXPIRATION = new Date(0).toISOString();

/**
 * Looks the key up: the newest completed, unexpired task run recorded under it whose
 * result can be read back. An entry whose result is missing, corrupted or replaced since
 * its run wrote it (another blob under the same key) is a miss, with a warning naming
 * the reason — never an exception and never a wrong value. A miss says why
 * ({@link CacheMissReason}): one store read tells "no entry" from "expired".
 */
export async function lookupCache(
  engine: Engine,
  client: OrchestrationClient,
  key: string,
  decision: ResultDecision,
  cacheResultInMemory: boolean,
  logger: RunLogger,
): Promise<CacheLookup> {
  const now = new Date().toISOString();
  const entries = await client.readCachedTaskRuns(key, ANY_EXPIRATION, LOOKUP_LIMIT);
  if (entries.length === 0) return { miss: "no-entry" };
  let candidates = entries.filter((e) => e.cacheExpiration === null || e.cacheExpiration > now);
  // All of the newest entries expired: an older one may not have (its task had a longer expiration).
  if (candidates.length === 0 && entries.length === LOOKUP_LIMIT) candidates = await client.readCachedTaskRuns(key, now, LOOKUP_LIMIT);
  if (candidates.length === 0) return { miss: "expired", entryTaskRunId: entries[0]!.id };
  let miss: CacheLookup | undefined;
  for (const candidate of candidates) {
    if (candidate.stateData === null) continue;
    let record: ResultRecord;
    try {
      record = JSON.parse(candidate.stateData) as ResultRecord;
    } catch {
      continue;
    }
    if (record.type === "literal") return { result: LiteralResult.fromRecord(record), entryTaskRunId: candidate.id };
    if (record.type !== "reference") continue;
    try {
      const storage =
        record.storageBlockId !== null
          ? await engine.results.storageById(record.storageBlockId)
          : (await engine.results.resolveStorage(decision.resultStorage)).storage;
      const writtenBy = `task run '${candidate.name}' (${candidate.id})`;
      const cacheKey = resultCacheKey(storage, record);
      const value = resultValueCache.has(cacheKey) ? resultValueCache.get(cacheKey) : await readResultReference(record, { storage, writtenBy });
      resultValueCache.set(cacheKey, value);
      const result = new PersistedResult({
        storageKey: record.storageKey,
        storageBlockId: record.storageBlockId,
        serializerType: record.serializerType,
        expiration: record.expiration === null ? null : new Date(record.expiration),
        integrity: record.integrity,
        writtenBy,
        storage,
        value,
        holdValue: cacheResultInMemory,
      });
      engine.recentCacheEntries.set(key, result, candidate.cacheExpiration === null ? null : new Date(candidate.cacheExpiration), candidate.id);
      return { result, entryTaskRunId: candidate.id };
    } catch (error) {
      miss ??= { miss: unreadableReason(error), entryTaskRunId: candidate.id, message: errorMessage(error) };
      logger.warning(
        `The cached result of task run '${candidate.name}' (cache key ${key.slice(0, 16)}...) could not be read, ` +
          `so this is a cache miss and the task runs: ${errorMessage(error)}`,
      );
    }
  }
  return miss ?? { miss: "unreadable-blob", entryTaskRunId: candidates[0]!.id, message: "The entry holds no readable result reference." };
}

/** How many entries one lookup reads. */
const LOOKUP_LIMIT = 3;

/** The miss reason for an entry whose result could not be read. */
function unreadableReason(error: unknown): CacheMissReason {
  if (isStorageError(error, StorageErrorCode.NotFound)) return "missing-blob";
  if (error instanceof ResultReplacedError) return "replaced-blob";
  if (error instanceof ResultIntegrityError) return "corrupt-blob";
  return "unreadable-blob";
}
