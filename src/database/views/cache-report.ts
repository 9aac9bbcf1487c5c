import type { Kysely } from "kysely";
import type { StateType } from "../../records/index.js";
import type { CacheMissReason } from "../../states/cache-outcome.js";
import { selectCacheOutcomeStates, selectCacheWriters, selectCachedTasks } from "../queries/cache-queries.js";
import type { CairnDatabase } from "../schema.js";
import { parseStateDetails } from "./state-details-view.js";

/** The most entries, hits and misses one report reads. */
export const MAX_CACHE_REPORT_ROWS = 1000;
const MAX_OUTCOME_STATES = 20_000;

/** A task that has cache entries. */
export interface CachedTaskSummary {
  taskKey: string;
  /** The task's name (from its runs' names). */
  taskName: string;
  /** Runs that computed a value under a cache key (entries, and attempts at one that failed). */
  writes: number;
  /** When the newest of them was recorded. */
  lastWritten: string;
}

/** One cache entry: a task run that computed its value under a cache key. */
export interface CacheEntryView {
  cacheKey: string;
  taskRunId: string;
  taskRunName: string;
  flowRunId: string | null;
  /** COMPLETED for a usable entry; a run that failed is listed but is no entry. */
  stateType: StateType;
  stateName: string;
  /** When its value was recorded. */
  writtenAt: string;
  /** When it expires; null for never. */
  expiration: string | null;
  /** Whether it had expired when the report was read. */
  expired: boolean;
  /** How many Cached runs reused it. */
  hits: number;
  lastHitAt: string | null;
}

/** One cache hit: a Cached task run and the entry it reused. */
export interface CacheHitView {
  taskRunId: string;
  taskRunName: string;
  flowRunId: string | null;
  at: string;
  cacheKey: string;
  entryTaskRunId: string | null;
}

/** One cache miss: a task run that ran although it had a cache key, and why. */
export interface CacheMissView {
  taskRunId: string;
  taskRunName: string;
  flowRunId: string | null;
  at: string;
  cacheKey: string;
  reason: CacheMissReason;
  /** The entry it could not use, when there was one. */
  entryTaskRunId: string | null;
  message: string | null;
}

/** The cache of one task: its entries, hits and misses, newest first. */
export interface CacheReport {
  taskKey: string;
  taskName: string;
  entries: CacheEntryView[];
  hits: CacheHitView[];
  misses: CacheMissView[];
  /** True when there were more rows than {@link MAX_CACHE_REPORT_ROWS} of some kind (the newest are shown). */
  truncated: boolean;
}

/** The task name in a run name `"<task name>-<dynamic key>"`. */
export function taskNameOf(runName: string, dynamicKey: string | null): string {
  const suffix = dynamicKey === null ? undefined : `-${dynamicKey}`;
  return suffix !== undefined && runName.endsWith(suffix) ? runName.slice(0, -suffix.length) : runName.replace(/-\d+$/, "");
}

/**
 * The tasks that have cache entries, the most recently written first.
 *
 * @example
 * ```ts
 * const tasks = await readCachedTasks(db);
 * ```
 */
export async function readCachedTasks(db: Kysely<CairnDatabase>): Promise<CachedTaskSummary[]> {
  const rows = await selectCachedTasks(db).limit(MAX_CACHE_REPORT_ROWS).execute();
  return rows.map((r) => ({
    taskKey: r.task_key,
    taskName: taskNameOf(String(r.name), r.dynamic_key === null ? null : String(r.dynamic_key)),
    writes: Number(r.runs),
    lastWritten: String(r.last_written),
  }));
}

/**
 * The cache report of a task: its entries with their hit counts, its hits, and its
 * misses with the reason each run recorded.
 *
 * @example
 * ```ts
 * const report = await readCacheReport(db, taskKey, new Date().toISOString());
 * ```
 */
export async function readCacheReport(db: Kysely<CairnDatabase>, taskKey: string, now: string): Promise<CacheReport> {
  const [writers, outcomes] = await Promise.all([
    selectCacheWriters(db, taskKey, MAX_CACHE_REPORT_ROWS + 1).execute(),
    selectCacheOutcomeStates(db, taskKey, MAX_OUTCOME_STATES + 1).execute(),
  ]);
  const hits: CacheHitView[] = [];
  const misses: CacheMissView[] = [];
  const entryByData = new Map<string, string>();
  for (const w of writers) if (w.state_type === "COMPLETED" && w.state_data !== null) entryByData.set(w.state_data, w.id);
  for (const state of outcomes) {
    const details = parseStateDetails(state.details);
    const cacheKey = details.cacheKey ?? "";
    const base = { taskRunId: state.run_id, taskRunName: state.run_name, flowRunId: state.flow_run_id, at: state.timestamp, cacheKey };
    if (state.name === "Cached") {
      // Older records name no entry: the entry is the run whose result reference this is.
      const entry = details.cache?.hit === true ? details.cache.entryTaskRunId : state.data === null ? null : (entryByData.get(state.data) ?? null);
      hits.push({ ...base, entryTaskRunId: entry });
    } else if (details.cache?.hit === false) {
      misses.push({ ...base, reason: details.cache.reason, entryTaskRunId: details.cache.entryTaskRunId ?? null, message: details.cache.message ?? null });
    }
  }
  const hitCounts = new Map<string, { hits: number; last: string }>();
  for (const hit of hits) {
    if (hit.entryTaskRunId === null) continue;
    const count = hitCounts.get(hit.entryTaskRunId);
    if (count === undefined) hitCounts.set(hit.entryTaskRunId, { hits: 1, last: hit.at });
    else count.hits++;
  }
  const entries = writers.slice(0, MAX_CACHE_REPORT_ROWS).map((w): CacheEntryView => ({
    cacheKey: w.cache_key ?? "",
    taskRunId: w.id,
    taskRunName: w.name,
    flowRunId: w.flow_run_id,
    stateType: w.state_type,
    stateName: w.state_name,
    writtenAt: w.end_time ?? w.state_timestamp,
    expiration: w.cache_expiration,
    expired: w.cache_expiration !== null && w.cache_expiration <= now,
    hits: hitCounts.get(w.id)?.hits ?? 0,
    lastHitAt: hitCounts.get(w.id)?.last ?? null,
  }));
  const writer = writers[0];
  const outcome = outcomes[0];
  const taskName =
    writer !== undefined ? taskNameOf(writer.name, writer.dynamic_key) : outcome !== undefined ? taskNameOf(outcome.run_name, null) : taskKey;
  return {
    taskKey,
    taskName,
    entries,
    hits: hits.slice(0, MAX_CACHE_REPORT_ROWS),
    misses: misses.slice(0, MAX_CACHE_REPORT_ROWS),
    truncated: writers.length > MAX_CACHE_REPORT_ROWS || outcomes.length > MAX_OUTCOME_STATES || hits.length > MAX_CACHE_REPORT_ROWS || misses.length > MAX_CACHE_REPORT_ROWS,
  };
}
