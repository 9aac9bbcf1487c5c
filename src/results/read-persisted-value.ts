import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import { resolveSerializer } from "../serializers/index.js";
import { decodePersistedResultBlob, type PersistedResultBlob } from "./result-blob.js";

/** Reads the blob at `key` in `storage` and checks its integrity (errors name key and storage). */
export async function readPersistedBlob(storage: WritableFileSystem, key: string): Promise<PersistedResultBlob> {
  const bytes = await storage.readPath(key);
  return decodePersistedResultBlob(bytes, { key, storage });
}

/** Reads, checks and deserializes the result at `key` in `storage`. */
export async function readPersistedValue<T = unknown>(storage: WritableFileSystem, key: string): Promise<T> {
  const blob = await readPersistedBlob(storage, key);
  return (await resolveSerializer(blob.serializer).loads(blob.data)) as T;
}
