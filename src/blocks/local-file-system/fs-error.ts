import { StorageError, StorageErrorCode, type StorageOperation } from "../storage-error.js";

/** Where a file-system error happened, for {@link toStorageError}. */
export interface FsErrorSite {
  key: string;
  /** The storage's `describe()` label. */
  storage: string;
  operation: StorageOperation;
  /** The absolute path of the key's file. */
  location: string;
  /** The storage's base directory. */
  basepath: string;
  /** Bytes being written, for "disk full" messages. */
  size?: number;
  /** For `ENOTDIR`: the path that is a file where a directory is needed, when known. */
  conflict?: string;
}

/** The `code` of a Node.js system error (`ENOENT`, ...), if any. */
export function osErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

const VERB: Record<StorageOperation, string> = {
  read: "read",
  write: "write",
  delete: "delete",
  exists: "check",
  list: "list",
};

/**
 * Wraps a Node.js file-system error into a {@link StorageError} that names the key and
 * the storage, says what happened and what to do, and keeps the OS error as `cause`.
 *
 * @example
 * ```ts
 * try { await readFile(file); } catch (err) { throw toStorageError(err, site); }
 * ```
 */
export function toStorageError(err: unknown, site: FsErrorSite): StorageError {
  const osCode = osErrorCode(err);
  const { key, storage, location, basepath } = site;
  const verb = VERB[site.operation];
  const k = JSON.stringify(key);
  const details = { key, storage, operation: site.operation, location, ...(osCode === undefined ? {} : { osCode }) };
  const make = (code: StorageErrorCode, message: string): StorageError =>
    new StorageError(code, message, details, { cause: err });

  // Reading below a file ("a/b" where "a" is a file) is simply reading a missing key.
  const missing = osCode === "ENOENT" || (osCode === "ENOTDIR" && (site.operation === "read" || site.operation === "exists"));
  switch (missing ? "ENOENT" : osCode) {
    case "ENOENT":
      return make(
        StorageErrorCode.NotFound,
        `No result is stored at key ${k} in ${storage} (no file ${location}). ` +
          `The result may have been pruned or expired, or written to another storage: ` +
          `check the result storage of the run that wrote it (and CAIRN_LOCAL_STORAGE_PATH).`,
      );
    case "EACCES":
    case "EPERM":
      return make(
        StorageErrorCode.PermissionDenied,
        `Permission denied: cannot ${verb} key ${k} in ${storage} (${location}). ` +
          `Make sure the user running Cairn can read and write under ${basepath}, or choose another basepath.`,
      );
    case "EROFS":
      return make(
        StorageErrorCode.PermissionDenied,
        `Cannot ${verb} key ${k} in ${storage}: the file system holding ${basepath} is read-only. ` +
          `Choose a writable basepath.`,
      );
    case "ENOTDIR":
    case "EEXIST":
      return make(
        StorageErrorCode.NotADirectory,
        `Cannot ${verb} key ${k} in ${storage}: ${site.conflict ?? "a part of its path"} is a file, not a directory. ` +
          `Remove or rename that file, or use another key or basepath.`,
      );
    case "EISDIR":
      return make(
        StorageErrorCode.IsADirectory,
        `Cannot ${verb} key ${k} in ${storage}: ${location} is a directory. ` +
          `Remove that directory, or use another key.`,
      );
    case "ENOSPC":
    case "EDQUOT":
      return make(
        StorageErrorCode.Full,
        `No space left to write key ${k}${site.size === undefined ? "" : ` (${site.size} bytes)`} in ${storage}` +
          `${osCode === "EDQUOT" ? " (disk quota exceeded)" : ""}. ` +
          `Free disk space, prune old results (\`cairn results prune\`), or choose another basepath.`,
      );
    case "ENAMETOOLONG":
      return make(
        StorageErrorCode.InvalidKey,
        `Cannot ${verb} key ${k} in ${storage}: a segment of the key is too long for this file system. ` +
          `Use shorter key segments (at most 200 bytes each is safe).`,
      );
    case "EMFILE":
    case "ENFILE":
      return make(
        StorageErrorCode.Io,
        `Cannot ${verb} key ${k} in ${storage}: too many open files. ` +
          `Lower the number of concurrent tasks, or raise the limit (\`ulimit -n\`).`,
      );
    default: {
      const why = err instanceof Error ? err.message : String(err);
      return make(
        StorageErrorCode.Io,
        `Could not ${verb} key ${k} in ${storage} (${location}): ${why}. ` +
          `Check that ${basepath} is on a working, mounted file system.`,
      );
    }
  }
}
