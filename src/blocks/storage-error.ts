import { CairnError } from "../errors/cairn-error.js";

/**
 * The stable codes a {@link StorageError} carries, one per situation a user can act on.
 *
 * @example
 * ```ts
 * if (isStorageError(err, StorageErrorCode.NotFound)) { ... }
 * ```
 */
export const StorageErrorCode = {
  /** Nothing is stored at the key (never written, pruned, or written to another storage). */
  NotFound: "RESULT_NOT_FOUND",
  /** The key is not a valid storage key, or would point outside the storage. */
  InvalidKey: "STORAGE_INVALID_KEY",
  /** The OS refused access (permissions, read-only file system), or an object store denied the credentials access. */
  PermissionDenied: "STORAGE_PERMISSION_DENIED",
  /** A part of the key's path is a file where a directory is needed. */
  NotADirectory: "STORAGE_NOT_A_DIRECTORY",
  /** A directory is where the key's file should be. */
  IsADirectory: "STORAGE_IS_A_DIRECTORY",
  /** The device or quota holding the storage is full. */
  Full: "STORAGE_FULL",
  /** Any other I/O failure; the OS error is the `cause`. */
  Io: "STORAGE_IO_ERROR",
  /** The bucket (S3) or container (Azure) the storage points to does not exist. */
  BucketNotFound: "STORAGE_BUCKET_NOT_FOUND",
  /** An object store did not accept the credentials (unknown key, wrong secret, expired token). */
  AuthenticationFailed: "STORAGE_AUTHENTICATION_FAILED",
  /** The storage's endpoint could not be reached (connection refused, unknown host, time-out). */
  Unreachable: "STORAGE_UNREACHABLE",
} as const;

/** One of the {@link StorageErrorCode} values. */
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

/** What the storage was doing when it failed. */
export type StorageOperation = "read" | "write" | "delete" | "exists" | "list";

/** The verb messages use for each operation ("could not <verb> ..."). */
export const OPERATION_VERB: Readonly<Record<StorageOperation, string>> = {
  read: "read",
  write: "write",
  delete: "delete",
  exists: "check",
  list: "list",
};

/** Where a {@link StorageError} happened. */
export interface StorageErrorDetails {
  /** The storage key (relative path) involved. */
  key: string;
  /** The storage's `describe()` label, e.g. `local-file-system at /abs/base`. */
  storage: string;
  /** What the storage was doing. */
  operation: StorageOperation;
  /** The OS-level path or URL, when there is one. */
  location?: string;
  /** The OS error code (`ENOENT`, `EACCES`, ...), when there is one. */
  osCode?: string;
}

/**
 * A storage block could not read, write, list or delete a key.
 *
 * `code` is one of {@link StorageErrorCode}; the message names the key and the storage
 * and says what to do; `cause` is the underlying OS or SDK error.
 *
 * @example
 * ```ts
 * try {
 *   await storage.readPath("0f3c...");
 * } catch (err) {
 *   if (isStorageError(err, "RESULT_NOT_FOUND")) console.error(err.message);
 * }
 * ```
 */
export class StorageError extends CairnError {
  declare readonly code: StorageErrorCode;
  /** The storage key involved. */
  readonly key: string;
  /** The storage's `describe()` label. */
  readonly storage: string;
  /** What the storage was doing. */
  readonly operation: StorageOperation;

  constructor(
    code: StorageErrorCode,
    message: string,
    details: StorageErrorDetails,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause, context: { ...details } });
    this.key = details.key;
    this.storage = details.storage;
    this.operation = details.operation;
  }
}

/**
 * Returns true when `err` is a {@link StorageError}, optionally of the given code.
 *
 * @example
 * ```ts
 * if (isStorageError(err, StorageErrorCode.NotFound)) return undefined;
 * ```
 */
export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}
