import { hostname } from "node:os";
import { isStorageError, StorageErrorCode } from "../../blocks/storage-error.js";
import type { WritableFileSystem } from "../../blocks/writable-file-system.js";
import { randomHex } from "../../utils/random-pool.js";
import { DistributedError, DistributedErrorCode } from "./distributed-error.js";

/** Where probes go in a result storage. */
export const PROBE_PREFIX = "cairn-probes/";

/** A probe object as a job names it: its key and the text it holds. */
export interface StorageProbe {
  readonly key: string;
  readonly nonce: string;
  /** Who wrote it, for messages: `host (pid N)`. */
  readonly writer: string;
}

/**
 * Writes a small probe object into `storage` (once per storage for the caller's lifetime:
 * cache the promise). A worker reads it back before it runs a task run that uses that
 * storage: finding it proves both sides see the same storage, so results written there
 * can be read where they are needed — instead of a "missing file" much later.
 *
 * @example
 * ```ts
 * const probe = await writeProbe(storage);
 * await checkProbe(storage, probe, "Task run 'square-0'"); // on the worker
 * ```
 */
export async function writeProbe(storage: WritableFileSystem): Promise<StorageProbe> {
  const probe: StorageProbe = { key: `${PROBE_PREFIX}${randomHex(16)}`, nonce: randomHex(16), writer: `${hostname()} (pid ${process.pid})` };
  await storage.writePath(probe.key, new TextEncoder().encode(probe.nonce));
  return probe;
}

/** Deletes a probe written by {@link writeProbe}. */
export async function removeProbe(storage: WritableFileSystem, probe: StorageProbe): Promise<void> {
  await storage.deletePath?.(probe.key);
}

/**
 * Checks that `storage`, as this process sees it, holds the probe: else throws a
 * {@link DistributedError} (`STORAGE_NOT_SHARED`) naming the storage and saying to use
 * shared storage — or, when the storage could not be read here at all (unreachable,
 * credentials refused, an I/O error), saying that, and to check this worker's access to it.
 */
export async function checkProbe(storage: WritableFileSystem, probe: StorageProbe, subject: string): Promise<void> {
  let found: string | undefined;
  let cause: unknown;
  try {
    found = new TextDecoder().decode(await storage.readPath(probe.key));
  } catch (error) {
    cause = error;
  }
  if (found === probe.nonce) return;
  const here = `${subject} cannot run on worker ${hostname()} (pid ${process.pid})`;
  const shared = "storage that the flow and every worker reach: S3, Azure Blob Storage, or a folder on a shared mount " +
    "(set the flow's resultStorage, or CAIRN_DEFAULT_RESULT_STORAGE_BLOCK)";
  const context = { storage: storage.describe(), probe: probe.key };
  if (found === undefined && !isStorageError(cause, StorageErrorCode.NotFound) && !isStorageError(cause, StorageErrorCode.BucketNotFound)) {
    throw new DistributedError(
      DistributedErrorCode.StorageNotShared,
      `${here}: the flow's result storage ${storage.describe()} cannot be read from this worker: ` +
        `${cause instanceof Error ? cause.message : String(cause)} Check that this worker reaches that storage ` +
        `(network, credentials, permissions): results travel through it, so it must be ${shared}.`,
      { cause, context },
    );
  }
  const why =
    found === undefined
      ? `the check object ${probe.key} that the flow's process on ${probe.writer} wrote there is missing here` +
        (cause instanceof Error ? ` (${cause.message})` : "")
      : `the check object ${probe.key} holds other content here than the flow's process on ${probe.writer} wrote`;
  throw new DistributedError(
    DistributedErrorCode.StorageNotShared,
    `${here}: the flow's result storage ${storage.describe()} ` +
      `is not the same storage here: ${why}. Results written here could not be read by the flow (and the other way round). ` +
      `Use ${shared}.`,
    { cause, context },
  );
}
