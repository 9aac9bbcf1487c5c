import { StorageError, StorageErrorCode, type StorageOperation } from "./storage-error.js";

/** The longest key accepted, in UTF-8 bytes (S3's limit, so keys move between storages). */
export const MAX_STORAGE_KEY_BYTES = 1024;

const LONE_SURROGATE = /\p{Surrogate}/u;

function why(key: string): string | undefined {
  if (key.length === 0) return "it is empty";
  if (key.includes("\0")) return "it contains a NUL byte";
  if (LONE_SURROGATE.test(key)) return "it contains an unpaired UTF-16 surrogate (not valid Unicode)";
  if (key.startsWith("/")) return "it is an absolute path; keys are relative to the storage's base";
  if (/^[A-Za-z]:/.test(key)) return "it looks like an absolute Windows path; keys are relative to the storage's base";
  if (key.includes("\\")) return "it contains a backslash; separate key segments with '/'";
  if (Buffer.byteLength(key, "utf8") > MAX_STORAGE_KEY_BYTES) {
    return `it is longer than ${MAX_STORAGE_KEY_BYTES} bytes (UTF-8)`;
  }
  for (const segment of key.split("/")) {
    if (segment === "..") return "it has a '..' segment, which would leave the storage's base";
    if (segment === ".") return "it has a '.' segment";
    if (segment === "") return "it has an empty segment (a trailing '/' or a '//')";
  }
  return undefined;
}

/**
 * Checks a storage key and returns its `/`-separated segments.
 *
 * The same rules hold for every storage block, so a key valid on one is valid on all:
 * a non-empty relative path of `/`-separated segments, none of them empty, `.` or `..`;
 * no NUL byte, no backslash, no drive letter, no unpaired surrogate; at most
 * {@link MAX_STORAGE_KEY_BYTES} bytes of UTF-8. Any Unicode is otherwise fine.
 *
 * @throws {StorageError} with code `STORAGE_INVALID_KEY`, naming the key and the storage.
 *
 * @example
 * ```ts
 * parseStorageKey("flows/2024/abc.json", storage.describe(), "write"); // ["flows", "2024", "abc.json"]
 * parseStorageKey("../etc/passwd", storage.describe(), "read");        // throws StorageError
 * ```
 */
export function parseStorageKey(key: unknown, storage: string, operation: StorageOperation): string[] {
  if (typeof key !== "string") {
    throw new StorageError(
      StorageErrorCode.InvalidKey,
      `Refused storage key ${String(key)} for ${storage}: a key must be a string, got ${typeof key}.`,
      { key: String(key), storage, operation },
    );
  }
  const reason = why(key);
  if (reason !== undefined) {
    throw new StorageError(
      StorageErrorCode.InvalidKey,
      `Refused storage key ${JSON.stringify(key)} for ${storage}: ${reason}. ` +
        `Use a relative key made of '/'-separated names, such as "results/3f9c.json", that stays inside the storage.`,
      { key, storage, operation },
    );
  }
  return key.split("/");
}
