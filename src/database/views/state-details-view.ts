import type { CacheMissReason, TaskInput } from "../../states/cache-outcome.js";

/** The parts of a state's `details` JSON the UI shows. */
export interface StateDetailsView {
  cacheKey?: string;
  cache?: { hit: true; entryTaskRunId: string | null } | { hit: false; reason: CacheMissReason; entryTaskRunId?: string; message?: string };
  inputs?: TaskInput[];
  error?: { name: string; message: string; stack?: string };
}

/**
 * Parses a state's `details` JSON text; an empty object for null or malformed text
 * (details are informative: a bad one never fails a read).
 *
 * @example
 * ```ts
 * parseStateDetails('{"cacheKey":"k","cache":{"hit":true,"entryTaskRunId":"a"}}').cache?.hit; // true
 * ```
 */
export function parseStateDetails(details: string | null): StateDetailsView {
  if (details === null) return {};
  try {
    const parsed = JSON.parse(details) as unknown;
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as StateDetailsView) : {};
  } catch {
    return {};
  }
}
