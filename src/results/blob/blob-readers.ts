import { readBlobV1 } from "./blob-v1.js";
import type { PersistedResultBlob } from "./persisted-result-blob-fields.js";

/**
 * Reads one format version and returns the blob in the current format.
 * `fail(reason)` throws the integrity error for the blob's source.
 */
export type ResultBlobReader = (obj: Record<string, unknown>, fail: (reason: string) => never) => PersistedResultBlob;

/**
 * The version-dispatch table: one reader per format version ever written. Entries are
 * never removed; a new version adds an entry, and the readers of older versions upgrade
 * what they read to the current shape.
 *
 * @example
 * ```ts
 * const read = RESULT_BLOB_READERS.get(obj.cairn);
 * ```
 */
export const RESULT_BLOB_READERS: ReadonlyMap<number, ResultBlobReader> = new Map<number, ResultBlobReader>([
  [1, readBlobV1],
]);
