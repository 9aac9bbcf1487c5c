import type { ResultSerializerOption, ResultStorageOption, TaskOptions } from "../engine/options.js";
import { NONE } from "../caching/policies.js";

/** What a parent flow passes down to the runs inside it (DESIGN §3, rules 4 and "storage and serializer"). */
export interface InheritedResultOptions {
  /** The parent's explicit `persistResult` (its own, or the one it inherited). */
  persistResult: boolean | undefined;
  /** The parent's storage (its own, or the one it inherited). */
  resultStorage: ResultStorageOption | undefined;
  /** The parent's serializer (its own, or the one it inherited). */
  resultSerializer: ResultSerializerOption | undefined;
}

/** How one run treats its result. */
export interface ResultDecision {
  /** Whether the result is written to storage. */
  persist: boolean;
  /** Which rule of DESIGN §3 decided, for logs and docs (1–5). */
  rule: 1 | 2 | 3 | 4 | 5;
  /** The storage option that applies (undefined: the default storage). */
  resultStorage: ResultStorageOption | undefined;
  /** The serializer option that applies (undefined: the default serializer). */
  resultSerializer: ResultSerializerOption | undefined;
  /** What this run passes on to runs inside it. */
  inherited: InheritedResultOptions;
}

/**
 * Decides whether a run persists its result, by the five rules of DESIGN §3, first match wins:
 * 1. its own explicit `persistResult`;
 * 2. its own features that need it: retries, a cache key function or policy,
 *    `cacheResultInMemory: false`, a `resultStorageKey`;
 * 3. its own `resultStorage` or `resultSerializer`;
 * 4. the parent flow's explicit `persistResult`;
 * 5. the setting `CAIRN_RESULTS_PERSIST_BY_DEFAULT`.
 *
 * @example
 * ```ts
 * decidePersistence({ retries: 2 }, { persistResult: undefined, resultStorage: "s3/dev", resultSerializer: undefined }, false);
 * // { persist: true, rule: 2, resultStorage: "s3/dev", ... }
 * ```
 */
export function decidePersistence(
  own: TaskOptions<never[]>,
  parent: InheritedResultOptions | undefined,
  persistByDefault: boolean,
): ResultDecision {
  const resultStorage = own.resultStorage ?? parent?.resultStorage;
  const resultSerializer = own.resultSerializer ?? parent?.resultSerializer;
  const inherited: InheritedResultOptions = {
    persistResult: own.persistResult ?? parent?.persistResult,
    resultStorage,
    resultSerializer,
  };
  const decide = (persist: boolean, rule: ResultDecision["rule"]): ResultDecision => ({
    persist,
    rule,
    resultStorage,
    resultSerializer,
    inherited,
  });

  if (own.persistResult !== undefined) return decide(own.persistResult, 1);
  if (
    (own.retries ?? 0) > 0 ||
    own.cacheKeyFn !== undefined ||
    (own.cachePolicy !== undefined && own.cachePolicy !== NONE) ||
    own.cacheResultInMemory === false ||
    own.resultStorageKey !== undefined
  ) {
    return decide(true, 2);
  }
  if (own.resultStorage !== undefined || own.resultSerializer !== undefined) return decide(true, 3);
  if (parent?.persistResult !== undefined) return decide(parent.persistResult, 4);
  return decide(persistByDefault, 5);
}
