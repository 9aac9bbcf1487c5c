import type { WritableFileSystem } from "./writable-file-system.js";

/**
 * The key of an optional, internal storage method: `storage[writePathNow](path, bytes)`
 * writes a small object synchronously, with every guarantee of `writePath` (temporary
 * name, then rename: complete under its final name when it returns true), when the
 * storage can do that cheaply right now; it returns false when it cannot (too large, a
 * durable write asked for, a directory not verified yet) or when the write failed, and
 * the caller then goes through `writePath`, which does the work again and reports any
 * failure with its usual error. A symbol, not a name: it is no part of the public
 * storage interface.
 *
 * `LocalFileSystem` has it: on these disks a small file written synchronously costs a
 * fraction of the thread pool's round trips, and the caller saves its promises.
 */
export const writePathNow: unique symbol = Symbol("cairn.writePathNow");

/** A storage that may write small objects synchronously ({@link writePathNow}). */
export interface WritesPathNow {
  [writePathNow](path: string, bytes: Uint8Array): boolean;
}

/**
 * Writes `bytes` at `path` synchronously if `storage` can right now; false when the caller
 * must `await storage.writePath(path, bytes)` instead.
 *
 * @example
 * ```ts
 * if (!tryWritePathNow(storage, key, bytes)) await storage.writePath(key, bytes);
 * ```
 */
export function tryWritePathNow(storage: WritableFileSystem, path: string, bytes: Uint8Array): boolean {
  const write = (storage as Partial<WritesPathNow>)[writePathNow];
  return typeof write === "function" && write.call(storage, path, bytes);
}
