import { LocalFileSystem } from "../blocks/local-file-system/local-file-system.js";
import type { ResolvedStorage, StorageBlockResolver } from "../blocks/storage-block-resolver.js";
import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import type { ResultSerializerOption, ResultStorageOption } from "../engine/options.js";
import { isBytesSerializer, resolveSerializer, SerializationError, type Serializer } from "../serializers/index.js";
import { encodeBase64Blob, type Base64BlobInput } from "./blob/base64-blob.js";
import { writeBase64ResultBlob } from "./blob/base64-blob-stream.js";
import { tryWritePathNow } from "../blocks/write-path-now.js";
import { encodeFramedBlob, writeFramedBlob } from "./blob/framed-blob.js";
import type { Settings } from "../settings/index.js";
import { randomHex } from "../utils/random-pool.js";
import { PersistedResult } from "./persisted-result.js";
import { encodePersistedResultBlob, PersistedResultBlob } from "./result-blob.js";

/** Binary results of at least this many bytes are written in parts when the storage can (see `WritableFileSystem.openWriter`). */
const STREAM_WRITE_MIN_BYTES = 256 * 1024;

/** A finished blob file and its integrity hash (text serializers), or a binary blob's parts. */
type SerializedBlob = { file: Uint8Array; integrity: string } | Base64BlobInput;

/**
 * The blob of `value`: the finished file for text serializers; for binary ones the bytes,
 * base64-encoded and hashed straight into the file when it is written ({@link writeBlob}).
 * Synchronous when the serializer is (msgpack, json, v8); serialization errors name `subject`.
 */
function serializeBlob(serializer: Serializer, value: unknown, expiration: Date | null, subject: string): SerializedBlob | Promise<SerializedBlob> {
  const named = (error: unknown): never => {
    throw error instanceof SerializationError ? error.withSubject(subject) : error;
  };
  try {
    if (isBytesSerializer(serializer) && serializer.dataEncoding === "base64") {
      const config = serializer.toConfig();
      const bytes = serializer.dumpsBytes(value);
      if (bytes instanceof Promise) return bytes.then((b) => ({ serializer: config, bytes: b, expiration }), named);
      return { serializer: config, bytes, expiration };
    }
    const data = serializer.dumps(value);
    if (data instanceof Promise) return data.then((d) => textBlob(serializer, d, expiration), named);
    return textBlob(serializer, data, expiration);
  } catch (error) {
    return named(error);
  }
}

function textBlob(serializer: Serializer, data: string, expiration: Date | null): SerializedBlob {
  const blob = PersistedResultBlob.create({ serializer, data, expiration });
  return { file: encodePersistedResultBlob(blob), integrity: blob.integrity };
}

/**
 * Writes a blob at `key` and returns its integrity hash, which the reference records:
 * binary ones of at least `framedMinBytes` framed (raw bytes, no base64), large ones in
 * parts where the storage can, the rest in one piece — synchronously (no promise at all)
 * when the storage can write it now ({@link tryWritePathNow}), complete under its final
 * name when this returns.
 */
function writeBlob(storage: WritableFileSystem, key: string, blob: SerializedBlob, framedMinBytes: number): string | Promise<string> {
  let file: Uint8Array;
  let integrity: string;
  if ("file" in blob) {
    ({ file, integrity } = blob);
  } else if (blob.bytes.byteLength < framedMinBytes && (blob.bytes.byteLength < STREAM_WRITE_MIN_BYTES || storage.openWriter === undefined)) {
    ({ bytes: file, integrity } = encodeBase64Blob(blob));
  } else {
    return writeLargeBlob(storage, key, blob, framedMinBytes);
  }
  if (tryWritePathNow(storage, key, file)) return integrity;
  return storage.writePath(key, file).then(() => integrity);
}

/** Writes a large binary blob: framed from `framedMinBytes` on, else base64 in parts. */
async function writeLargeBlob(storage: WritableFileSystem, key: string, blob: Base64BlobInput, framedMinBytes: number): Promise<string> {
  if (blob.bytes.byteLength >= framedMinBytes) return writeFramed(storage, key, blob);
  const writer = await storage.openWriter!(key);
  let integrity: string;
  try {
    integrity = await writeBase64ResultBlob(writer, blob);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  await writer.commit();
  return integrity;
}

/** Writes a framed blob: in parts where the storage can (the bytes never copied), else in one piece. */
async function writeFramed(storage: WritableFileSystem, key: string, blob: Base64BlobInput): Promise<string> {
  if (storage.openWriter === undefined) {
    const { file, integrity } = encodeFramedBlob(blob);
    await storage.writePath(key, file);
    return integrity;
  }
  const writer = await storage.openWriter(key);
  let integrity: string;
  try {
    integrity = await writeFramedBlob(writer, blob);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  await writer.commit();
  return integrity;
}

/** How one result is to be written. */
export interface PersistRequest {
  resultStorage: ResultStorageOption | undefined;
  resultSerializer: ResultSerializerOption | undefined;
  /** The storage key; a random 32-hex-character key when undefined. */
  key: string | undefined;
  expiration: Date | null;
  /** Keep the value on the result object. */
  cacheResultInMemory: boolean;
  /** Whose result it is, e.g. `task 'extract-user'` (for error messages). */
  subject: string;
  /** The run writing it, e.g. `task run 'extract-user-0'`: named if the blob is replaced later. */
  writtenBy?: string | undefined;
}

/**
 * Writes results for one engine: resolves storage (option, parent's, default) and
 * serializer, serializes, writes the blob atomically, and returns the reference.
 */
export class ResultStore {
  readonly #settings: Settings;
  readonly #blocks: StorageBlockResolver;
  #defaultLocal: LocalFileSystem | undefined;
  readonly #serializers = new Map<string, Serializer>();
  readonly #slugs = new Map<string, Promise<ResolvedStorage>>();
  /** Slugs loaded: what {@link persist} uses without waiting. */
  readonly #loaded = new Map<string, ResolvedStorage>();
  readonly #ids = new WeakMap<WritableFileSystem, Promise<ResolvedStorage>>();
  /** Storages whose block id is known: what {@link persist} uses without waiting. */
  readonly #resolved = new WeakMap<WritableFileSystem, ResolvedStorage>();

  constructor(settings: Settings, blocks: StorageBlockResolver) {
    this.#settings = settings;
    this.#blocks = blocks;
  }

  /** The storage a run uses: its option, else `CAIRN_DEFAULT_RESULT_STORAGE_BLOCK`, else the local default. */
  async resolveStorage(option: ResultStorageOption | undefined): Promise<ResolvedStorage> {
    const known = this.#resolvedNow(option);
    if (known !== undefined) return known;
    if (option === undefined) {
      const slug = this.#settings.get("CAIRN_DEFAULT_RESULT_STORAGE_BLOCK");
      if (slug !== undefined) return this.#load(slug);
      this.#defaultLocal ??= new LocalFileSystem({ basepath: this.#settings.get("CAIRN_LOCAL_STORAGE_PATH") });
      return this.#resolve(this.#defaultLocal);
    }
    if (typeof option === "string") return this.#load(option);
    return this.#resolve(option);
  }

  /** What {@link resolveStorage} resolved to for `option` before, if it did: no promise needed. */
  #resolvedNow(option: ResultStorageOption | undefined): ResolvedStorage | undefined {
    if (option === undefined) {
      const slug = this.#settings.get("CAIRN_DEFAULT_RESULT_STORAGE_BLOCK");
      if (slug !== undefined) return this.#loaded.get(slug);
      return this.#defaultLocal === undefined ? undefined : this.#resolved.get(this.#defaultLocal);
    }
    return typeof option === "string" ? this.#loaded.get(option) : this.#resolved.get(option);
  }

  /** The serializer a run uses: its option, else `CAIRN_RESULTS_DEFAULT_SERIALIZER`. */
  resolveSerializer(option: ResultSerializerOption | undefined): Serializer {
    const chosen = option ?? this.#settings.get("CAIRN_RESULTS_DEFAULT_SERIALIZER");
    if (typeof chosen !== "string") return resolveSerializer(chosen);
    let serializer = this.#serializers.get(chosen);
    if (serializer === undefined) {
      serializer = resolveSerializer(chosen);
      this.#serializers.set(chosen, serializer);
    }
    return serializer;
  }

  /**
   * Serializes `value` and writes its blob; returns (or resolves to) the reference once the
   * file is complete under its final name. Synchronous — no promise at all — when the
   * storage was resolved before, the serializer is synchronous and the storage can write
   * the blob now (a small file on a local disk): the common case of many small results.
   * Serialization and write errors are thrown (or rejected) as they are.
   */
  persist<T>(value: T, request: PersistRequest): PersistedResult<T> | Promise<PersistedResult<T>> {
    const serializer = this.resolveSerializer(request.resultSerializer);
    const resolved = this.#resolvedNow(request.resultStorage);
    if (resolved === undefined) return this.resolveStorage(request.resultStorage).then((r) => this.#persistIn(r, serializer, value, request));
    return this.#persistIn(resolved, serializer, value, request);
  }

  #persistIn<T>(resolved: ResolvedStorage, serializer: Serializer, value: T, request: PersistRequest): PersistedResult<T> | Promise<PersistedResult<T>> {
    const blob = serializeBlob(serializer, value, request.expiration, request.subject);
    if (blob instanceof Promise) return blob.then((b) => this.#write(resolved, serializer, value, request, b));
    return this.#write(resolved, serializer, value, request, blob);
  }

  #write<T>(resolved: ResolvedStorage, serializer: Serializer, value: T, request: PersistRequest, blob: SerializedBlob): PersistedResult<T> | Promise<PersistedResult<T>> {
    const key = request.key ?? randomHex(16);
    const refer = (integrity: string): PersistedResult<T> =>
      new PersistedResult<T>({
        storageKey: key,
        storageBlockId: resolved.blockId,
        serializerType: serializer.type,
        expiration: request.expiration,
        integrity,
        writtenBy: request.writtenBy,
        storage: resolved.storage,
        value,
        holdValue: request.cacheResultInMemory,
      });
    const integrity = writeBlob(resolved.storage, key, blob, this.#settings.get("CAIRN_RESULTS_FRAMED_MIN_BYTES"));
    return typeof integrity === "string" ? refer(integrity) : integrity.then(refer);
  }

  /** The storage behind a reference's block id (to read results recorded by another process). */
  storageById(id: string): Promise<WritableFileSystem> {
    return this.#blocks.byId(id);
  }

  #load(slug: string): Promise<ResolvedStorage> {
    let loaded = this.#slugs.get(slug);
    if (loaded === undefined) {
      loaded = this.#blocks.load(slug);
      this.#slugs.set(slug, loaded);
      loaded.then(
        (r) => this.#loaded.set(slug, r),
        () => this.#slugs.delete(slug),
      );
    }
    return loaded;
  }

  /** The storage and its block id (saving it anonymously the first time, once). */
  #resolve(storage: WritableFileSystem): Promise<ResolvedStorage> {
    let resolving = this.#ids.get(storage);
    if (resolving === undefined) {
      resolving = this.#blocks.idFor(storage).then((blockId) => {
        const resolved = { storage, blockId };
        this.#resolved.set(storage, resolved);
        return resolved;
      });
      this.#ids.set(storage, resolving);
    }
    return resolving;
  }
}
