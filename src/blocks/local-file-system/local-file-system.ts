import { constants, realpathSync } from "node:fs";
import { lstat, open, readFile, stat, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { Block } from "../block.js";
import { parseBlockFields } from "../block-fields.js";
import { StorageError, StorageErrorCode, type StorageOperation } from "../storage-error.js";
import { parseStorageKey } from "../storage-key.js";
import type { PathReader, PathWriter, StoredPathInfo, UnfinishedWrite, WritableFileSystem } from "../writable-file-system.js";
import { writePathNow, type WritesPathNow } from "../write-path-now.js";
import { TEMP_FILE_PATTERN, writeFileAtomic, writeFileAtomicSync } from "./atomic-write.js";
import { BaseDirectory } from "./base-directory.js";
import { osErrorCode, toStorageError } from "./fs-error.js";
import { listFiles } from "./list-files.js";
import { LocalPathReader } from "./local-path-reader.js";
import { LocalPathWriter } from "./local-path-writer.js";
import { fileOperationLimiter } from "./operation-limiter.js";
import { resolveBasepath } from "./resolve-basepath.js";

/** Files up to this size (without fsync) are written synchronously. */
const SYNC_WRITE_MAX_BYTES = 64 * 1024;

/** Options of {@link LocalFileSystem}. */
export interface LocalFileSystemOptions {
  /** The directory results go to: absolute, relative to the cwd, or starting with `~`. Created on first write. */
  basepath: string;
  /**
   * Flush each result to the device (file data before the rename, the directory after
   * it) so that it survives power loss or an OS crash, at ~0.25 ms per write on SSDs.
   * Without it a result is still never half-written for other processes or after a
   * process crash; only a power loss can leave an empty or missing file, which the
   * result blob's integrity check then refuses.
   * @default false
   */
  fsync?: boolean;
}

const configSchema = z.object({
  basepath: z
    .string({ error: "must be a directory path (a string)" })
    .refine((path) => path.trim() !== "", "must not be empty")
    .refine((path) => !path.includes("\0"), "must not contain a NUL byte"),
  fsync: z.boolean({ error: "must be true or false" }).optional(),
});

// Undefined where the platform has no O_NOFOLLOW (Windows): every read then checks realpath.
const NOFOLLOW: number | undefined = constants.O_NOFOLLOW;

/** ELOOP (EMLINK on BSDs): O_NOFOLLOW met a symbolic link, to be followed only if it stays inside. */
function isSymlinkRefusal(err: unknown): boolean {
  const code = osErrorCode(err);
  return code === "ELOOP" || code === "EMLINK";
}

interface Location {
  key: string;
  file: string;
  dir: string;
  name: string;
}

/**
 * A storage block for a directory on the local file system.
 *
 * Keys are relative paths inside `basepath`; keys that would leave it (`..`, absolute
 * paths, symbolic links pointing outside, NUL bytes) are refused. Writes are atomic
 * (temporary file in the same directory, then rename). See `docs/result-blob.md` and
 * {@link LocalFileSystemOptions.fsync} for the durability guarantees.
 *
 * @example
 * ```ts
 * const storage = new LocalFileSystem({ basepath: "~/.cairn/results" });
 * await storage.writePath("reports/2024.json", new TextEncoder().encode("{}"));
 * const bytes = await storage.readPath("reports/2024.json");
 * ```
 */
export class LocalFileSystem extends Block implements WritableFileSystem, WritesPathNow {
  /** The block type slug under which local-file-system blocks are saved. */
  static readonly blockTypeSlug = "local-file-system";
  /** The zod schema of the fields ({@link LocalFileSystemOptions}), checked at construction and load. */
  static readonly schema = configSchema;
  /** {@inheritDoc WritableFileSystem.blockTypeSlug} */
  readonly blockTypeSlug: string = LocalFileSystem.blockTypeSlug;
  /** The absolute base directory. */
  readonly basepath: string;
  /** Whether writes are fsynced (see {@link LocalFileSystemOptions.fsync}). */
  readonly fsync: boolean;

  readonly #base: BaseDirectory;

  constructor(options: LocalFileSystemOptions) {
    super();
    if (options === null || typeof options !== "object") {
      throw new ConfigurationError(`LocalFileSystem needs options such as { basepath: ".cairn-results" }, got ${String(options)}.`);
    }
    const fields = parseBlockFields(configSchema, options, LocalFileSystem);
    this.basepath = resolveBasepath(fields.basepath);
    this.fsync = fields.fsync ?? false;
    this.#base = new BaseDirectory(this.basepath);
  }

  /**
   * Rebuilds a block from the fields of {@link LocalFileSystem.toConfig}.
   *
   * @example
   * ```ts
   * const storage = LocalFileSystem.fromConfig({ basepath: "/data/results" });
   * ```
   */
  static fromConfig(config: Record<string, unknown>): LocalFileSystem {
    return new LocalFileSystem(config as unknown as LocalFileSystemOptions);
  }

  /** `local-file-system at <basepath>`. */
  describe(): string {
    return `local-file-system at ${this.basepath}`;
  }

  /** `{ basepath, fsync }`, with `basepath` absolute. */
  toConfig(): Record<string, unknown> {
    return { basepath: this.basepath, fsync: this.fsync };
  }

  /**
   * The absolute file path of a key (the key is validated, nothing is touched).
   *
   * @example
   * ```ts
   * new LocalFileSystem({ basepath: "/r" }).pathFor("a/b.json"); // "/r/a/b.json"
   * ```
   */
  pathFor(key: string): string {
    return this.#locate(key, "read").file;
  }

  /** {@inheritDoc WritableFileSystem.readPath} */
  async readPath(path: string): Promise<Uint8Array> {
    const loc = this.#locate(path, "read");
    return fileOperationLimiter.run(async () => {
      try {
        await this.#ensureDir(loc, "read", false);
        return await this.#readFile(loc);
      } catch (err) {
        throw await this.#wrap(err, loc, "read");
      }
    });
  }

  /** {@inheritDoc WritableFileSystem.writePath} */
  async writePath(path: string, bytes: Uint8Array): Promise<void> {
    const loc = this.#locate(path, "write");
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`writePath(${JSON.stringify(path)}) needs a Uint8Array, got ${typeof bytes}.`);
    }
    const options = { fsync: this.fsync };
    await fileOperationLimiter.run(async () => {
      try {
        await this.#inKeyDirectory(loc, () => this.#writeAtomic(loc, bytes, options));
      } catch (err) {
        throw await this.#wrap(err, loc, "write", bytes.byteLength);
      }
    });
  }

  /**
   * Writes a small file synchronously when it can ({@link writePathNow}): up to 64 KiB,
   * without fsync, in a directory already verified inside the base (temporary file, then
   * rename). False otherwise, or when the write failed: `writePath` then does it again.
   * @internal
   */
  [writePathNow](path: string, bytes: Uint8Array): boolean {
    if (this.fsync || !(bytes instanceof Uint8Array) || bytes.byteLength > SYNC_WRITE_MAX_BYTES) return false;
    try {
      const loc = this.#locate(path, "write");
      if (!this.#base.isKnown(loc.dir)) return false;
      writeFileAtomicSync(loc.dir, loc.name, bytes);
      return true;
    } catch {
      return false; // writePath does it again and reports what went wrong, its way
    }
  }

  /**
   * Creates (or verifies) the key's directory and runs `create` in it; when `create` finds
   * the directory gone (removed since it was verified), forgets what is known and does
   * both once more.
   */
  async #inKeyDirectory<T>(loc: Location, create: () => Promise<T> | T): Promise<T> {
    await this.#ensureDir(loc, "write", true);
    try {
      return await create();
    } catch (err) {
      if (osErrorCode(err) !== "ENOENT") throw err;
      this.#base.forget();
      await this.#ensureDir(loc, "write", true);
      return await create();
    }
  }

  /** Small files without fsync are written synchronously (faster here than thread-pool round trips); the rest asynchronously. */
  #writeAtomic(loc: Location, bytes: Uint8Array, options: { fsync: boolean }): Promise<void> | void {
    if (!options.fsync && bytes.byteLength <= SYNC_WRITE_MAX_BYTES) return writeFileAtomicSync(loc.dir, loc.name, bytes);
    return writeFileAtomic(loc.dir, loc.name, bytes, options);
  }

  /** {@inheritDoc WritableFileSystem.openReader} */
  async openReader(path: string): Promise<PathReader> {
    const loc = this.#locate(path, "read");
    const release = await fileOperationLimiter.acquire();
    let handle: FileHandle | undefined;
    try {
      await this.#ensureDir(loc, "read", false);
      handle = await this.#openFile(loc);
      const stats = await handle.stat();
      if (!stats.isFile()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: "EISDIR" });
      return new LocalPathReader(handle, stats.size, release, (err) => this.#wrap(err, loc, "read"));
    } catch (err) {
      await handle?.close().catch(() => undefined);
      release();
      throw await this.#wrap(err, loc, "read");
    }
  }

  /** {@inheritDoc WritableFileSystem.openWriter} */
  async openWriter(path: string): Promise<PathWriter> {
    const loc = this.#locate(path, "write");
    const release = await fileOperationLimiter.acquire();
    const options = { fsync: this.fsync, onDone: release, wrap: (err: unknown) => this.#wrap(err, loc, "write") };
    try {
      return await this.#inKeyDirectory(loc, () => LocalPathWriter.open(loc.dir, loc.name, options));
    } catch (err) {
      release();
      throw await this.#wrap(err, loc, "write");
    }
  }

  /** {@inheritDoc WritableFileSystem.deletePath} */
  async deletePath(path: string): Promise<void> {
    const loc = this.#locate(path, "delete");
    await fileOperationLimiter.run(async () => {
      try {
        await this.#ensureDir(loc, "delete", false);
        await unlink(loc.file);
      } catch (err) {
        const code = osErrorCode(err);
        if (!(err instanceof StorageError) && (code === "ENOENT" || code === "ENOTDIR")) return;
        throw await this.#wrap(err, loc, "delete");
      }
    });
  }

  /** {@inheritDoc WritableFileSystem.exists} */
  async exists(path: string): Promise<boolean> {
    const loc = this.#locate(path, "exists");
    return fileOperationLimiter.run(async () => {
      try {
        await this.#ensureDir(loc, "exists", false);
        const stats = await lstat(loc.file);
        if (!stats.isSymbolicLink()) return stats.isFile();
        return (await stat(await this.#realInside(loc, "exists"))).isFile();
      } catch (err) {
        const code = osErrorCode(err);
        if (!(err instanceof StorageError) && (code === "ENOENT" || code === "ENOTDIR")) return false;
        throw await this.#wrap(err, loc, "exists");
      }
    });
  }

  /** {@inheritDoc WritableFileSystem.readHead} */
  async readHead(path: string, maxBytes: number): Promise<Uint8Array> {
    const loc = this.#locate(path, "read");
    return fileOperationLimiter.run(async () => {
      let handle: FileHandle | undefined;
      try {
        await this.#ensureDir(loc, "read", false);
        handle = await this.#openFile(loc);
        const into = new Uint8Array(Math.max(0, Math.trunc(maxBytes)));
        let filled = 0;
        while (filled < into.byteLength) {
          const { bytesRead } = await handle.read(into, filled, into.byteLength - filled, filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return into.subarray(0, filled);
      } catch (err) {
        throw await this.#wrap(err, loc, "read");
      } finally {
        await handle?.close().catch(() => undefined);
      }
    });
  }

  /**
   * {@inheritDoc WritableFileSystem.listUnfinishedWrites}
   * Here: the temporary files (`.<name>.<16 hex>.tmp`) that writes leave beside their target
   * when their process dies before the rename.
   */
  async *listUnfinishedWrites(prefix = ""): AsyncGenerator<UnfinishedWrite> {
    for await (const file of this.#walk(prefix, "temporary")) {
      yield { path: file.path, size: file.size, modifiedAt: file.modifiedAt, token: file.path };
    }
  }

  /** {@inheritDoc WritableFileSystem.discardUnfinishedWrite} */
  async discardUnfinishedWrite(write: UnfinishedWrite): Promise<void> {
    if (!TEMP_FILE_PATTERN.test(basename(write.token))) {
      throw new StorageError(
        StorageErrorCode.InvalidKey,
        `Refused to discard ${JSON.stringify(write.token)} of ${this.describe()}: it is not the name of a temporary file ` +
          "(.<name>.<16 hex>.tmp) but possibly a result.",
        { key: write.token, storage: this.describe(), operation: "delete" },
      );
    }
    await this.deletePath(write.token);
  }

  /** {@inheritDoc WritableFileSystem.locationUri} The base directory's real path, as a `file://` URL. */
  locationUri(): string {
    let real = this.basepath;
    try {
      real = realpathSync(this.basepath);
    } catch {
      // Not created yet: its path is its identity.
    }
    const url = pathToFileURL(real).href;
    return url.endsWith("/") ? url : `${url}/`;
  }

  /** {@inheritDoc WritableFileSystem.listPaths} */
  listPaths(prefix = ""): AsyncGenerator<StoredPathInfo> {
    return this.#walk(prefix, "results");
  }

  async *#walk(prefix: string, kind: "results" | "temporary"): AsyncGenerator<StoredPathInfo> {
    if (prefix !== "") parseStorageKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix, this.describe(), "list");
    const slash = prefix.lastIndexOf("/");
    const dirKey = slash < 0 ? "" : prefix.slice(0, slash);
    const loc: Location = {
      key: prefix,
      file: dirKey === "" ? this.basepath : join(this.basepath, ...dirKey.split("/")),
      dir: "",
      name: "",
    };
    loc.dir = loc.file;
    try {
      await this.#ensureDir(loc, "list", false);
    } catch (err) {
      const code = osErrorCode(err);
      if (!(err instanceof StorageError) && (code === "ENOENT" || code === "ENOTDIR")) return;
      throw await this.#wrap(err, loc, "list");
    }
    try {
      yield* listFiles(loc.dir, dirKey, prefix, kind);
    } catch (err) {
      throw await this.#wrap(err, loc, "list");
    }
  }

  #locate(key: string, operation: StorageOperation): Location {
    const segments = parseStorageKey(key, this.describe(), operation);
    const file = join(this.basepath, ...segments);
    return { key, file, dir: dirname(file), name: segments[segments.length - 1] ?? "" };
  }

  async #readFile(loc: Location): Promise<Uint8Array> {
    if (NOFOLLOW === undefined) return readFile(await this.#realInside(loc, "read"));
    try {
      return await readFile(loc.file, { flag: constants.O_RDONLY | NOFOLLOW });
    } catch (err) {
      if (!isSymlinkRefusal(err)) throw err;
      return readFile(await this.#realInside(loc, "read"));
    }
  }

  /** Opens the key's file for reading, following a symbolic link only if it stays inside the base. */
  async #openFile(loc: Location): Promise<FileHandle> {
    if (NOFOLLOW === undefined) return open(await this.#realInside(loc, "read"), "r");
    try {
      return await open(loc.file, constants.O_RDONLY | NOFOLLOW);
    } catch (err) {
      if (!isSymlinkRefusal(err)) throw err;
      return open(await this.#realInside(loc, "read"), "r");
    }
  }

  /** The realpath of the key's file, refused when it resolves outside the base. */
  async #realInside(loc: Location, operation: StorageOperation): Promise<string> {
    const { real, inside } = await this.#base.resolveFile(loc.file);
    if (!inside) throw this.#escapeError(loc, operation, real);
    return real;
  }

  async #ensureDir(loc: Location, operation: StorageOperation, create: boolean): Promise<void> {
    const outside = await this.#base.ensureDirectory(loc.dir, create);
    if (outside !== undefined) throw this.#escapeError(loc, operation, outside);
  }

  #escapeError(loc: Location, operation: StorageOperation, real: string): StorageError {
    return new StorageError(
      StorageErrorCode.InvalidKey,
      `Refused storage key ${JSON.stringify(loc.key)} for ${this.describe()}: it resolves through a symbolic link ` +
        `to ${real}, outside the storage's base. Remove the link, or use another key or basepath.`,
      { key: loc.key, storage: this.describe(), operation, location: loc.file },
    );
  }

  async #wrap(err: unknown, loc: Location, operation: StorageOperation, size?: number): Promise<StorageError> {
    if (err instanceof StorageError) return err;
    const code = osErrorCode(err);
    const conflict = code === "ENOTDIR" || code === "EEXIST" ? await this.#findFileInPath(loc) : undefined;
    return toStorageError(err, {
      key: loc.key,
      storage: this.describe(),
      operation,
      location: loc.file,
      basepath: this.basepath,
      ...(size === undefined ? {} : { size }),
      ...(conflict === undefined ? {} : { conflict }),
    });
  }

  /** The first path from the base down to the key's directory that is not a directory. */
  async #findFileInPath(loc: Location): Promise<string | undefined> {
    const rest = loc.dir.slice(this.basepath.length).split(sep).filter((s) => s !== "");
    let path = this.basepath;
    for (let i = -1; i < rest.length; i++) {
      if (i >= 0) path = join(path, rest[i] ?? "");
      try {
        if (!(await stat(path)).isDirectory()) return path;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}
