import type { BaseResult } from "./base-result.js";
import { isLiteralValue, LiteralResult } from "./literal-result.js";
import type { ResultDecision } from "./persistence-decision.js";
import type { ResultStore } from "./result-store.js";
import { renderStorageKey, type StorageKeyValues } from "./storage-key-template.js";
import { UnpersistedResult } from "./unpersisted-result.js";

/** Who a result belongs to and how it is to be stored. */
export interface ResultOwner {
  /** e.g. `Task run 'extract-0'`. */
  label: string;
  /** e.g. `task 'extract'`, for serialization errors. */
  subject: string;
  results: ResultStore;
  /** `resultStorageKey` template, if any. */
  keyTemplate: string | undefined;
  keyValues: () => StorageKeyValues;
  cacheResultInMemory: boolean;
  expiration: Date | null;
}

/**
 * Creates the result object for a run's return value, as decided by
 * `decidePersistence`: unpersisted (memory only), literal (inline in the metadata
 * store), or persisted (written to storage before this resolves).
 */
export function createResult(value: unknown, decision: ResultDecision, owner: ResultOwner): BaseResult | Promise<BaseResult> {
  if (!decision.persist) return UnpersistedResult.of(value);
  if (isLiteralValue(value) && owner.keyTemplate === undefined) return new LiteralResult(value);
  const key = owner.keyTemplate === undefined ? undefined : renderStorageKey(owner.keyTemplate, owner.keyValues(), owner.label);
  return owner.results.persist(value, {
    resultStorage: decision.resultStorage,
    resultSerializer: decision.resultSerializer,
    key,
    expiration: owner.expiration,
    cacheResultInMemory: owner.cacheResultInMemory,
    subject: owner.subject,
    writtenBy: `${owner.label.charAt(0).toLowerCase()}${owner.label.slice(1)}`,
  });
}
