import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import { readPersistedValue } from "./read-persisted-value.js";

/**
 * What {@link readResultReference} needs of a reference: its key and, when it has one,
 * the blob's integrity hash it recorded. A {@link PersistedResult}, or the reference JSON
 * kept in a state's `data` (`{"type":"reference","storageKey":...,"integrity":...}`).
 */
export interface ResultReferenceLike {
  /** The key of the blob in its storage. */
  readonly storageKey: string;
  /** The blob's `integrity` (`sha256-...`) as recorded; absent in references written before Cairn recorded it. */
  readonly integrity?: string | null | undefined;
}

/** Options of {@link readResultReference}. */
export interface ReadResultReferenceOptions {
  /** The storage the reference points into (resolve its `storageBlockId` first). */
  storage: WritableFileSystem;
  /**
   * Refuse blobs larger than this many bytes, before reading them
   * ({@link ResultTooLargeError}); e.g. a preview that must stay cheap.
   * @default no cap
   */
  maxBytes?: number;
  /** The run that recorded the reference, named in a {@link ResultReplacedError}, e.g. `task run 'extract-0' (0190...)`. */
  writtenBy?: string;
}

/**
 * Reads the value a result reference points to, with every check: the blob's own
 * integrity hash (truncation, bit rot, hand edits), the hash the reference recorded (a
 * blob replaced since its run wrote it), and an optional size cap. What the engine uses
 * for persisted results, and what a result preview should use. A reference without
 * `integrity` (written by an older Cairn) is read with the blob's own check only.
 *
 * Errors, each naming the key and the storage:
 * - {@link ResultReplacedError} (`RESULT_REPLACED`): a valid blob, but not the recorded one.
 * - {@link ResultIntegrityError} (`RESULT_CORRUPTED`): truncated, corrupted or edited.
 * - {@link ResultTooLargeError} (`RESULT_TOO_LARGE`): larger than `maxBytes`.
 * - {@link UnsupportedResultBlobVersionError} (`RESULT_BLOB_VERSION_UNSUPPORTED`): written by a newer Cairn.
 * - `StorageError` (`RESULT_NOT_FOUND`, ...): missing, or the storage failed.
 * - `DeserializationError`: the serializer could not load the data.
 *
 * @example
 * ```ts
 * const reference = JSON.parse(taskRun.stateData!) as { type: "reference"; storageKey: string; integrity?: string };
 * const value = await readResultReference(reference, { storage, maxBytes: 10_000_000 });
 * ```
 */
export function readResultReference<T = unknown>(reference: ResultReferenceLike, options: ReadResultReferenceOptions): Promise<T> {
  return readPersistedValue<T>(options.storage, reference.storageKey, {
    expectedIntegrity: reference.integrity ?? undefined,
    writtenBy: options.writtenBy,
    maxBytes: options.maxBytes,
  });
}
