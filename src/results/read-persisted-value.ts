import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import { isBytesSerializer, resolveSerializer, type Serializer } from "../serializers/index.js";
import { decodeBase64ResultBlob } from "./blob/base64-blob.js";
import { decodePersistedResultBlob, type PersistedResultBlob } from "./result-blob.js";

/** Reads the blob at `key` in `storage` and checks its integrity (errors name key and storage). */
export async function readPersistedBlob(storage: WritableFileSystem, key: string): Promise<PersistedResultBlob> {
  const bytes = await storage.readPath(key);
  return decodePersistedResultBlob(bytes, { key, storage });
}

/**
 * Reads, checks and deserializes the result at `key` in `storage`. Binary results in
 * Cairn's compact layout are checked and decoded straight from the file's bytes; anything
 * else goes through {@link readPersistedBlob}.
 */
export async function readPersistedValue<T = unknown>(storage: WritableFileSystem, key: string): Promise<T> {
  const file = await storage.readPath(key);
  let serializer: Serializer | undefined;
  const fast = decodeBase64ResultBlob(file, { key, storage }, (config) => {
    try {
      serializer = resolveSerializer(config);
    } catch {
      return false;
    }
    return isBytesSerializer(serializer) && serializer.dataEncoding === "base64";
  });
  if (fast !== undefined && serializer !== undefined && isBytesSerializer(serializer)) {
    return (await serializer.loadsBytes(fast.bytes)) as T;
  }
  const blob = decodePersistedResultBlob(file, { key, storage });
  return (await resolveSerializer(blob.serializer).loads(blob.data)) as T;
}
