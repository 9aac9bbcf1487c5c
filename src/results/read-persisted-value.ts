import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import { isBytesSerializer, resolveSerializer, type Serializer } from "../serializers/index.js";
import { decodeBase64ResultBlob, type DecodedBase64Blob } from "./blob/base64-blob.js";
import { readBase64ResultBlob, readWhole } from "./blob/base64-blob-stream.js";
import type { ResultBlobSource } from "./blob/result-blob-source.js";
import { decodePersistedResultBlob, type PersistedResultBlob } from "./result-blob.js";

/** Files above this size are read in parts when the storage can (see `WritableFileSystem.openReader`). */
const STREAM_READ_MIN_BYTES = 256 * 1024;

/** Reads the blob at `key` in `storage` and checks its integrity (errors name key and storage). */
export async function readPersistedBlob(storage: WritableFileSystem, key: string): Promise<PersistedResultBlob> {
  const bytes = await storage.readPath(key);
  return decodePersistedResultBlob(bytes, { key, storage });
}

/**
 * Reads, checks and deserializes the result at `key` in `storage`. Binary results in
 * Cairn's compact layout are checked and decoded straight from the file's bytes — large
 * ones part by part, never holding the whole file — and anything else goes through
 * {@link readPersistedBlob}'s general path.
 */
export async function readPersistedValue<T = unknown>(storage: WritableFileSystem, key: string): Promise<T> {
  const source: ResultBlobSource = { key, storage };
  let serializer: Serializer | undefined;
  const wantsBytes = (config: PersistedResultBlob["serializer"]): boolean => {
    try {
      serializer = resolveSerializer(config);
    } catch {
      return false;
    }
    return isBytesSerializer(serializer) && serializer.dataEncoding === "base64";
  };
  let file: Uint8Array;
  let fast: DecodedBase64Blob | undefined;
  if (storage.openReader === undefined) {
    file = await storage.readPath(key);
    fast = decodeBase64ResultBlob(file, source, wantsBytes);
  } else {
    const reader = await storage.openReader(key);
    try {
      if (reader.size >= STREAM_READ_MIN_BYTES) fast = await readBase64ResultBlob(reader, source, wantsBytes);
      file = fast === undefined ? await readWhole(reader, source) : new Uint8Array(0);
    } finally {
      await reader.close();
    }
    if (fast === undefined && file.byteLength < STREAM_READ_MIN_BYTES) fast = decodeBase64ResultBlob(file, source, wantsBytes);
  }
  if (fast !== undefined && serializer !== undefined && isBytesSerializer(serializer)) {
    return (await serializer.loadsBytes(fast.bytes)) as T;
  }
  const blob = decodePersistedResultBlob(file, source);
  return (await resolveSerializer(blob.serializer).loads(blob.data)) as T;
}
