import type { PathReader, WritableFileSystem } from "../blocks/writable-file-system.js";
import { isBytesSerializer, resolveSerializer, type BytesSerializer, type Serializer } from "../serializers/index.js";
import { decodeBase64ResultBlob, type DecodedBase64Blob } from "./blob/base64-blob.js";
import { readBase64ResultBlob, readWhole } from "./blob/base64-blob-stream.js";
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

/**
 * Reads, checks and deserializes the result at `key` in `storage`. Binary results in
 * Cairn's compact layout are checked and decoded straight from the file's bytes — large
 * ones part by part, never holding the whole file — and anything else goes through
 * {@link readPersistedBlob}'s general path. With `checks`, the blob must also carry the
 * integrity its reference recorded and fit the size cap.
 */
export async function readPersistedValue<T = unknown>(storage: WritableFileSystem, key: string, checks: BlobReadChecks = {}): Promise<T> {
  const source: ResultBlobSource = { key, storage };
  let binary: BytesSerializer | undefined;
  const wantsBytes = (config: PersistedResultBlob["serializer"]): boolean => {
    let serializer: Serializer;
    try {
      serializer = resolveSerializer(config);
    } catch {
      return false;
    }
    binary = isBytesSerializer(serializer) && serializer.dataEncoding === "base64" ? serializer : undefined;
    return binary !== undefined;
  };
  const blob = await readBlob(storage, key, source, wantsBytes, checks.maxBytes);
  if (blob instanceof Uint8Array) {
    const parsed = decodePersistedResultBlob(blob, source);
    checkExpected(parsed.integrity, checks, source);
    return (await resolveSerializer(parsed.serializer).loads(parsed.data)) as T;
  }
  checkExpected(blob.fields.integrity, checks, source);
  // Decoded: `wantsBytes` accepted its serializer, which is `binary`.
  return (await binary!.loadsBytes(blob.bytes)) as T;
}

/** Throws {@link ResultReplacedError} when the reference recorded another integrity hash. */
function checkExpected(found: string, checks: BlobReadChecks, source: ResultBlobSource): void {
  const expected = checks.expectedIntegrity;
  if (expected !== undefined && expected !== found) throw new ResultReplacedError(expected, found, source, checks.writtenBy);
}

function checkSize(size: number, maxBytes: number | undefined, source: ResultBlobSource): void {
  if (maxBytes !== undefined && size > maxBytes) throw new ResultTooLargeError(size, maxBytes, source);
}

/**
 * The blob at `key`: its data decoded to bytes when it is binary in the compact layout
 * (see `decodeBase64ResultBlob`), else the whole file for the general reader.
 */
async function readBlob(
  storage: WritableFileSystem,
  key: string,
  source: ResultBlobSource,
  wantsBytes: (config: PersistedResultBlob["serializer"]) => boolean,
  maxBytes: number | undefined,
): Promise<DecodedBase64Blob | Uint8Array> {
  if (storage.openReader === undefined) {
    const file = await storage.readPath(key);
    checkSize(file.byteLength, maxBytes, source);
    return decodeBase64ResultBlob(file, source, wantsBytes) ?? file;
  }
  const reader: PathReader = await storage.openReader(key);
  try {
    checkSize(reader.size, maxBytes, source);
    if (reader.size >= STREAM_READ_MIN_BYTES) {
      return (await readBase64ResultBlob(reader, source, wantsBytes)) ?? (await readWhole(reader, source));
    }
    const file = await readWhole(reader, source);
    return decodeBase64ResultBlob(file, source, wantsBytes) ?? file;
  } finally {
    await reader.close();
  }
}
