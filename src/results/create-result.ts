import type { BaseResult } from "./base-result.js";
import { isLiteralValue, LiteralResult } from "./literal-result.js";
import type { ResultDecision } from "./persistence-decision.js";
import { UnpersistedResult } from "./unpersisted-result.js";

/** Who a result belongs to: used for storage keys and error messages. */
export interface ResultOwner {
  /** e.g. `Task run 'extract-0'`. */
  label: string;
}

/**
 * Creates the result object for a run's return value, as decided by
 * {@link decidePersistence}: unpersisted (memory only), literal (inline), or persisted.
 */
export async function createResult(value: unknown, decision: ResultDecision, _owner: ResultOwner): Promise<BaseResult> {
  if (!decision.persist) return UnpersistedResult.of(value);
  if (isLiteralValue(value)) return new LiteralResult(value);
  return UnpersistedResult.of(value);
}
