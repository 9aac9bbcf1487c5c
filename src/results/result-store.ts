import { LocalFileSystem } from "../blocks/local-file-system/local-file-system.js";
import type { ResolvedStorage, StorageBlockResolver } from "../blocks/storage-block-resolver.js";
import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import type { ResultSerializerOption, ResultStorageOption } from "../engine/options.js";
import { isBytesSerializer, resolveSerializer, SerializationError, type Serializer } from "../serializers/index.js";
import { encodeBase64Blob, type Base64BlobInput } from "./blob/base64-blob.js";
import { writeBase64ResultBlob } from "./blob/base64-blob-stream.js";
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
 */
async function serializeBlob(serializer: Serializer, value: unknown, expiration: Date | null): Promise<SerializedBlob> {
  if (isBytesSerializer(serializer) && serializer.dataEncoding === "base64") {
    return { serializer: serializer.toConfig(), bytes: await serializer.dumpsBytes(value), expiration };
  }
  const data = await serializer.dumps(value);
  const blob = PersistedResultBlob.create({ serializer, data, expiration });
  return { file: encodePersistedResultBlob(blob), integrity: blob.integrity };
}

/**
 * Writes a blob at `key` and resolves to its integrity hash, which the reference records:
 * binary ones of at least `framedMinBytes` framed (raw bytes, no base64), large ones in
 * parts where the storage can, the rest in one piece.
 */
async function writeBlob(storage: WritableFileSystem, key: string, blob: SerializedBlob, framedMinBytes: number): Promise<string> {
  if ("file" in blob) {
    await storage.writePath(key, blob.file);
    return blob.integrity;
  }
  if (blob.bytes.byteLength >= framedMinBytes) return writeFramed(storage, key, blob);
  if (blob.bytes.byteLength < STREAM_WRITE_MIN_BYTES || storage.openWriter === undefined) {
    const { bytes, integrity } = encodeBase64Blob(blob);
    await storage.writePath(key, bytes);
    return integrity;
  }
  const writer = await storage.openWriter(key);
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
  readonly #ids = new WeakMap<WritableFileSystem, Promise<string | null>>();

  constructor(settings: Settings, blocks: StorageBlockResolver) {
    this.#settings = settings;
    this.#blocks = blocks;
  }

  /** The storage a run uses: its option, else `CAIRN_DEFAULT_RESULT_STORAGE_BLOCK`, else the local default. */
  async resolveStorage(option: ResultStorageOption | undefined): Promise<ResolvedStorage> {
    if (option === undefined) {
      const slug = this.#settings.get("CAIRN_DEFAULT_RESULT_STORAGE_BLOCK");
      if (slug !== undefined) return this.#load(slug);
      this.#defaultLocal ??= new LocalFileSystem({ basepath: this.#settings.get("CAIRN_LOCAL_STORAGE_PATH") });
      return { storage: this.#defaultLocal, blockId: await this.#idFor(this.#defaultLocal) };
    }
    if (typeof option === "string") return this.#load(option);
    return { storage: option, blockId: await this.#idFor(option) };
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

  /** Serializes `value` and writes its blob; resolves once the file is complete under its final name. */
  async persist<T>(value: T, request: PersistRequest): Promise<PersistedResult<T>> {
    const serializer = this.resolveSerializer(request.resultSerializer);
    const { storage, blockId } = await this.resolveStorage(request.resultStorage);
    let blob: SerializedBlob;
    try {
      blob = await serializeBlob(serializer, value, request.expiration);
    } catch (error) {
      if (error instanceof SerializationError) throw error.withSubject(request.subject);
      throw error;
    }
    const key = request.key ?? randomHex(16);
    const integrity = await writeBlob(storage, key, blob, this.#settings.get("CAIRN_RESULTS_FRAMED_MIN_BYTES"));
    return new PersistedResult<T>({
      storageKey: key,
      storageBlockId: blockId,
      serializerType: serializer.type,
      expiration: request.expiration,
      integrity,
      writtenBy: request.writtenBy,
      storage,
      value,
      holdValue: request.cacheResultInMemory,
    });
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
      loaded.catch(() => this.#slugs.delete(slug));
    }
    return loaded;
  }

  #idFor(storage: WritableFileSystem): Promise<string | null> {
    let id = this.#ids.get(storage);
    if (id === undefined) {
      id = this.#blocks.idFor(storage);
      this.#ids.set(storage, id);
    }
    return id;
  }
}
