import type { WritableFileSystem } from "./writable-file-system.js";

/** A storage block and the id of its saved document (null when it has none). */
export interface ResolvedStorage {
  storage: WritableFileSystem;
  blockId: string | null;
}

/**
 * Turns block slugs into storage instances and storage instances into block ids, so
 * result references can name their storage (DESIGN §4, §6).
 */
export interface StorageBlockResolver {
  /** Loads the saved storage block `"block-type/name"`. */
  load(slug: string): Promise<ResolvedStorage>;
  /** The id of the block document for this instance, saving it anonymously (once per configuration) when it has none. */
  idFor(storage: WritableFileSystem): Promise<string | null>;
  /** Loads a storage block by document id (to read a reference back). */
  byId(id: string): Promise<WritableFileSystem>;
}
