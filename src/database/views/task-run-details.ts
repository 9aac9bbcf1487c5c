import type { Kysely } from "kysely";
import type { BlockDocumentStore } from "../../blocks/block-document-store.js";
import type { TaskRunRecord } from "../../records/index.js";
import type { CacheMissReason, TaskInput } from "../../states/cache-outcome.js";
import { selectStates } from "../queries/history-queries.js";
import { selectSubflowOf } from "../queries/timeline-queries.js";
import type { CairnDatabase } from "../schema.js";
import { attemptsFromStates, type Attempt } from "./attempts.js";
import { parseResultReference, type ResultReferenceView } from "./result-reference-view.js";
import { parseStateDetails } from "./state-details-view.js";

/** The saved block a result reference names, without its fields. */
export interface StorageBlockView {
  id: string;
  blockTypeSlug: string;
  name: string;
  isAnonymous: boolean;
}

/** What a task run's cache lookup found. */
export interface TaskRunCacheView {
  /** The cache key it was looked up (and, on a miss, stored) under. */
  key: string;
  hit: boolean;
  /** The task run whose entry it reused (hit), or could not use (miss), when known. */
  entryTaskRunId: string | null;
  /** Why it missed; null for a hit. */
  reason: CacheMissReason | null;
  /** Detail of the miss (the read error of an unusable entry). */
  message: string | null;
}

/** A task run with what its states tell: attempts, inputs, cache outcome, result reference. */
export interface TaskRunDetails {
  taskRun: TaskRunRecord;
  attempts: Attempt[];
  /** Its parameter names and the upstream task runs that fed them; null when not recorded. */
  inputs: TaskInput[] | null;
  /** Null when the task does not cache (or the run recorded no lookup). */
  cache: TaskRunCacheView | null;
  /** Its current result, as recorded; null when it has none. */
  result: ResultReferenceView | null;
  /** The saved block the result is stored in, when the reference names one that exists. */
  storageBlock: StorageBlockView | null;
  /** The subflow run this task run stands for, when it is one. */
  subflowRunId: string | null;
}

/**
 * Reads what the task run page shows beyond the run's row: its states (for attempts,
 * inputs and the cache outcome), the block of its result, and its subflow run.
 *
 * @example
 * ```ts
 * const details = await readTaskRunDetails(db, blocks, taskRun);
 * ```
 */
export async function readTaskRunDetails(
  db: Kysely<CairnDatabase>,
  blocks: BlockDocumentStore,
  taskRun: TaskRunRecord,
): Promise<TaskRunDetails> {
  const [states, subflow] = await Promise.all([selectStates(db, taskRun.id).execute(), selectSubflowOf(db, taskRun.id).executeTakeFirst()]);
  let inputs: TaskInput[] | null = null;
  let cache: TaskRunCacheView | null = null;
  for (const state of states) {
    if (state.details === null) continue;
    const details = parseStateDetails(state.details);
    if (inputs === null && Array.isArray(details.inputs)) inputs = details.inputs;
    if (details.cache !== undefined && typeof details.cacheKey === "string") {
      const c = details.cache;
      cache = {
        key: details.cacheKey,
        hit: c.hit,
        entryTaskRunId: c.entryTaskRunId ?? null,
        reason: c.hit ? null : c.reason,
        message: c.hit ? null : (c.message ?? null),
      };
    } else if (state.name === "Cached" && typeof details.cacheKey === "string" && cache === null) {
      cache = { key: details.cacheKey, hit: true, entryTaskRunId: null, reason: null, message: null };
    }
  }
  const result = parseResultReference(taskRun.stateData) ?? null;
  let storageBlock: StorageBlockView | null = null;
  if (result?.type === "reference" && result.storageBlockId !== null) {
    const doc = await blocks.readById(result.storageBlockId);
    if (doc !== undefined) storageBlock = { id: doc.id, blockTypeSlug: doc.blockTypeSlug, name: doc.name, isAnonymous: doc.isAnonymous };
  }
  return {
    taskRun,
    attempts: attemptsFromStates(states),
    inputs,
    cache,
    result,
    storageBlock,
    subflowRunId: subflow?.id ?? null,
  };
}
