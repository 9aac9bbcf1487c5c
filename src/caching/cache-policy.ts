import type { CacheKeyContext } from "./cache-key-context.js";

/**
 * Computes a task's cache key from its call. Policies compose with `.add()` / `+`-like
 * helpers (see `src/caching/policies.ts`).
 */
export interface CachePolicy {
  /** A readable description, e.g. `"INPUTS + TASK_SOURCE"`. */
  readonly description: string;
  /** The cache key for this call, or null for no caching. */
  computeKey(context: CacheKeyContext, args: readonly unknown[]): string | null;
}
