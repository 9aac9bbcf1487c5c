import type { PathReader, WritableFileSystem } from "../blocks/writable-file-system.js";
import { isBytesSerializer, resolveSerializer, type Serializer } from "../serializers/index.js";
import type { SerializerConfig } from "../serializers/serializer.js";
import { decodeBase64ResultBlob, type DecodedBase64Blob } from "./blob/base64-blob.js";
import { readBase64ResultBlob, readExactly, readWhole } from "./blob/base64-blob-stream.js";
import { decodeFramedBlob, findFramedHead, FRAMED_HEAD_MAX_BYTES, readFramedBlob, type DecodedFramedBlob } from "./blob/framed-blob.js";
import type { ResultBlobSource } from "./blob/result-blob-source.js";
import { decodePersistedResultBlob, type PersistedResultBlob } from "./result-blob.js";
import { ResultReplacedError } from "./result-replaced-error.js";
import { ResultTooLargeError } from "./result-too-large-error.js";

/** Files above this size are read in parts when the storage can (see `WritableFileSystem.openReader`). */
const STREAM_READ_MIN_BYTES = 256 * 1024;

/** What a read through a reference checks besides the blob's own integrity. */
export interface BlobReadChecks {
  /** The `integrity` the reference recorded: a blob with another one is a {@link ResultReplacedError}. */
  expectedIntegrity?: string | undefined;
  /** The run that wrote the recorded blob, named in that error. */
  writtenBy?: string | undefined;
  /** Refuse blobs larger than this many bytes ({@link ResultTooLargeError}) before reading them. */
  maxBytes?: number | undefined;
}

/** Reads the blob at `key` in `storage` and checks its integrity (errors name key and storage). */
export async function readPersistedBlob(storage: WritableFileSystem, key: string): Promise<PersistedResultBlob> {
  const bytes = await storage.readPath(key);
  return decodePersistedResultBlob(bytes, { key, storage });
}

/** A blob whose data was read as bytes: framed, or binary in the compact document layout. */
interface BytesBlob {
  integrity: string;
  serializer: SerializerConfig;
  bytes: Uint8Array;
}

/**
 * Reads, checks and deserializes the result at `key` in `storage`, in either layout.
 * Framed blobs (raw bytes after a JSON head line) and binary results in Cairn's compact
 * document layout are checked and decoded straight from the file's bytes — large ones
 * part by part — and anything else goes through {@link readPersistedBlob}'s general
 * path. With `checks`, the blob must also carry the integrity its reference recorded
 * and fit the size cap.
 */
export async function readPersistedValue<T = unknown>(storage: WritableFileSystem, key: string, checks: BlobReadChecks = {}): Promise<T> {
  const source: ResultBlobSource = { key, storage };
  const serializers = serializerMemo();
  const wantsBytes = (config: SerializerConfig): boolean => {
    let serializer: Serializer;
    try {
      serializer = serializers(config);
    } catch {
      return false;
    }
    return isBytesSerializer(serializer) && serializer.dataEncoding === "base64";
  };
  const blob = await readBlob(storage, key, source, wantsBytes, checks.maxBytes);
  if (blob instanceof Uint8Array) {
    const parsed = decodePersistedResultBlob(blob, source);
    checkExpected(parsed.integrity, checks, source);
    return (await resolveSerializer(parsed.serializer).loads(parsed.data)) as T;
  }
  checkExpected(blob.integrity, checks, source);
  return (await loadBytes(serializers(blob.serializer), blob.bytes)) as T;
}

/** Resolves serializer configs, the last one kept (a blob's config is resolved once per read). */
function serializerMemo(): (config: SerializerConfig) => Serializer {
  let lastConfig: SerializerConfig | undefined;
  let last: Serializer | undefined;
  return (config) => {
    if (config !== lastConfig || last === undefined) {
      last = resolveSerializer(config);
      lastConfig = config;
    }
    return last;
  };
}

/** The value of bytes that are base64-decoded `data`: through the serializer's bytes path when it has one. */
function loadBytes(serializer: Serializer, bytes: Uint8Array): unknown {
  if (isBytesSerializer(serializer) && serializer.dataEncoding === "base64") return serializer.loadsBytes(bytes);
  return serializer.loads(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"));
}

/** Throws {@link ResultReplacedError} when the reference recorded another integrity hash. */
function checkExpected(found: string, checks: BlobReadChecks, source: ResultBlobSource): void {
  const expected = checks.expectedIntegrity;
  if (expected !== undefined && expected !== found) throw new ResultReplacedError(expected, found, source, checks.writtenBy);
}

function checkSize(size: number, maxBytes: number | undefined, source: ResultBlobSource): void {
  if (maxBytes !== undefined && size > maxBytes) throw new ResultTooLargeError(size, maxBytes, source);
}

function fromFramed(framed: DecodedFramedBlob): BytesBlob {
  return { integrity: framed.head.integrity, serializer: framed.head.serializer, bytes: framed.bytes };
}

function fromBase64(decoded: DecodedBase64Blob): BytesBlob {
  return { integrity: decoded.fields.integrity, serializer: decoded.fields.serializer, bytes: decoded.bytes };
}

/** A whole file: framed, binary compact, or (undecoded) for the general reader. */
function decodeWhole(file: Uint8Array, source: ResultBlobSource, wantsBytes: (config: SerializerConfig) => boolean): BytesBlob | Uint8Array {
  if (file.byteLength === 0) return file; // the general reader says it is empty
  const framed = decodeFramedBlob(file, source);
  if (framed !== undefined) return fromFramed(framed);
  const decoded = decodeBase64ResultBlob(file, source, wantsBytes);
  return decoded === undefined ? file : fromBase64(decoded);
}

/**
 * The blob at `key`: its data as bytes when it is framed or binary in the compact layout,
 * else the whole file for the general reader. Large files are read in parts.
 */
async function readBlob(
  storage: WritableFileSystem,
  key: string,
  source: ResultBlobSource,
  wantsBytes: (config: SerializerConfig) => boolean,
  maxBytes: number | undefined,
): Promise<BytesBlob | Uint8Array> {
  if (storage.openReader === undefined) {
    const file = await storage.readPath(key);
    checkSize(file.byteLength, maxBytes, source);
    return decodeWhole(file, source, wantsBytes);
  }
  const reader: PathReader = await storage.openReader(key);
  try {
    checkSize(reader.size, maxBytes, source);
    if (reader.size < STREAM_READ_MIN_BYTES) return decodeWhole(await readWhole(reader, source), source, wantsBytes);
    const first = await readExactly(reader, Buffer.allocUnsafe(FRAMED_HEAD_MAX_BYTES), 0, source);
    const found = findFramedHead(first, reader.size, source);
    if (found !== undefined) return fromFramed(await readFramedBlob(reader, first, found, source));
    const decoded = await readBase64ResultBlob(reader, source, wantsBytes);
    return decoded === undefined ? await readWhole(reader, source) : fromBase64(decoded);
  } finally {
    await reader.close();
  }
}
