/**
 * One stored object, as listed by {@link WritableFileSystem.listPaths}.
 */
export interface StoredPathInfo {
  /** The key, relative to the storage's base, `/`-separated. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Last modification time. */
  modifiedAt: Date;
}

/**
 * A write that was started and never finished, as listed by
 * {@link WritableFileSystem.listUnfinishedWrites}: a local temporary file (`.<name>.<hex>.tmp`),
 * an incomplete S3 multipart upload. A live writer may still be working on it: callers
 * discard only those inactive for long (`cairn results prune --orphans` waits an hour).
 */
export interface UnfinishedWrite {
  /** What it is, for messages: the temporary file's key, or the key an upload was writing to. */
  readonly path: string;
  /** Bytes it holds so far (0 when the storage cannot tell). */
  readonly size: number;
  /** Its last activity: the temporary file's modification time, the upload's start. */
  readonly modifiedAt: Date;
  /** What {@link WritableFileSystem.discardUnfinishedWrite} needs to find it (opaque). */
  readonly token: string;
}

/**
 * An object opened for reading in parts (see {@link WritableFileSystem.openReader}):
 * large results are checked and decoded a few megabytes at a time instead of being
 * held whole in memory next to their decoded bytes.
 */
export interface PathReader {
  /** The object's size in bytes when it was opened. */
  readonly size: number;
  /**
   * Reads up to `length` bytes at `position` of the object into `into` at `offset`;
   * resolves to the number read (0 past the end). Failures are `StorageError`s.
   */
  read(into: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Releases the object (idempotent). */
  close(): Promise<void>;
}

/**
 * A new object being written in parts (see {@link WritableFileSystem.openWriter}).
 * Nothing is visible under the key until {@link PathWriter.commit}; then the whole
 * object is, at once.
 */
export interface PathWriter {
  /**
   * Writes `bytes` at `position` of the new object; parts may come in any order, and each
   * byte position is written at most once. `bytes` must stay unchanged until the returned
   * promise resolves (object stores upload whole parts straight from it). Failures are
   * `StorageError`s.
   */
  write(bytes: Uint8Array, position: number): Promise<void>;
  /** Publishes what was written under the key, replacing any previous object atomically. */
  commit(): Promise<void>;
  /** Discards what was written (idempotent; a no-op after commit). */
  abort(): Promise<void>;
}

/**
 * A storage block that results are written to and read from: a local folder, an S3
 * bucket prefix, an Azure container, ...
 *
 * Keys (`path` arguments) are relative, `/`-separated, and obey the same rules on every
 * storage (see `parseStorageKey`): a key that is empty, absolute, or has `.`/`..` segments,
 * a NUL byte or a backslash is refused with a `StorageError` (`STORAGE_INVALID_KEY`)
 * naming the key and the storage, and never touches anything outside the storage.
 *
 * Every failure is a `StorageError` whose message names the key and {@link describe}
 * and whose `cause` is the underlying OS/SDK error. Implementations run the shared
 * contract suite (`test/blocks/storage.contract.ts`).
 *
 * @example
 * ```ts
 * const storage: WritableFileSystem = new LocalFileSystem({ basepath: "./results" });
 * await storage.writePath("a/b.json", new TextEncoder().encode("{}"));
 * const bytes = await storage.readPath("a/b.json");
 * ```
 */
export interface WritableFileSystem {
  /** The block type slug, e.g. `"local-file-system"`, `"s3"`. */
  readonly blockTypeSlug: string;

  /**
   * Reads the whole object at `path`.
   * A missing object is a `StorageError` with code `RESULT_NOT_FOUND`.
   */
  readPath(path: string): Promise<Uint8Array>;

  /**
   * Writes `bytes` at `path`, replacing any previous object, atomically: readers see the
   * old object or the new one, never a mix or a prefix. Creates parent "directories" as
   * needed. Concurrent writers to one key: the last to finish wins, whole.
   */
  writePath(path: string, bytes: Uint8Array): Promise<void>;

  /**
   * Optional: opens the object at `path` to read it in parts (same errors as
   * {@link readPath}). Close the reader when done.
   */
  openReader?(path: string): Promise<PathReader>;

  /**
   * Optional: starts writing a new object at `path` in parts, with the same guarantees
   * as {@link writePath} once committed. Commit or abort the writer.
   */
  openWriter?(path: string): Promise<PathWriter>;

  /** Deletes the object at `path`; resolves as well when there was none (idempotent). */
  deletePath?(path: string): Promise<void>;

  /** True when an object exists at `path`. */
  exists?(path: string): Promise<boolean>;

  /**
   * Lists stored objects whose key starts with `prefix` (a plain string prefix, as in
   * S3: `"ab"` matches `"ab.json"` and `"abc/d"`), in no particular order. Writes still
   * in progress (temporary objects) are not listed. Used by `cairn results prune`.
   */
  listPaths?(prefix?: string): AsyncIterable<StoredPathInfo>;

  /**
   * Optional: reads at most the first `maxBytes` bytes of the object at `path` (fewer when
   * it is shorter), in one request; same errors as {@link readPath}. Used by
   * `cairn results prune --orphans` to tell result blobs from other files.
   */
  readHead?(path: string, maxBytes: number): Promise<Uint8Array>;

  /**
   * Optional: lists the writes that were started and never finished (temporary objects that
   * {@link listPaths} never shows), whose key starts with `prefix`.
   */
  listUnfinishedWrites?(prefix?: string): AsyncIterable<UnfinishedWrite>;

  /**
   * Optional: discards an unfinished write listed by {@link listUnfinishedWrites}; resolves as
   * well when it is gone already (finished, or discarded). Never touches a finished object.
   */
  discardUnfinishedWrite?(write: UnfinishedWrite): Promise<void>;

  /**
   * Optional: a URI of the place this storage's keys live, ending with `/`, equal for two
   * instances that store at the same place (`file:///data/results/`,
   * `s3://127.0.0.1:8333/bucket/prefix/`), so that the object of key `k` is `locationUri() + k`
   * whichever block reaches it. `cairn results prune --orphans` uses it to see that a blob one
   * block does not reference is referenced through another block at the same place.
   */
  locationUri?(): string;

  /** A human label used in error messages, e.g. `local-file-system at /abs/base`. */
  describe(): string;

  /** The JSON-able fields of the block document (what the metadata store saves). */
  toConfig(): Record<string, unknown>;
}
