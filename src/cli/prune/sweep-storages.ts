import { loadBlockById } from "../../blocks/block-document.js";
import { LocalFileSystem } from "../../blocks/local-file-system/local-file-system.js";
import type { WritableFileSystem } from "../../blocks/writable-file-system.js";
import type { OrchestrationClient } from "../../client/orchestration-client.js";
import type { Settings } from "../../settings/index.js";

/** One place results are stored, and every block id that reaches it. */
export interface SweepStorage {
  /** The storage, as the first block that reaches this place loaded it. */
  storage: WritableFileSystem;
  /** `storage.locationUri()`, or a stand-in unique to the block when it has none. */
  location: string;
  /** The blocks whose references point here (`null`: references without a block id, i.e. the default storage). */
  blockIds: (string | null)[];
  /** Block slugs, for messages (`local-file-system/anonymous-...` shortened to `anonymous`). */
  names: string[];
  /** Set when another storage's place contains this one: listing that one covers this one. */
  coveredBy?: string;
}

/** A storage block the sweep cannot look into, and why. */
export interface SkippedStorage {
  name: string;
  reason: string;
}

/**
 * The places to sweep: every storage block the store knows (named and anonymous), plus the
 * default storage the settings select (`CAIRN_DEFAULT_RESULT_STORAGE_BLOCK`, else the
 * `LocalFileSystem` at `CAIRN_LOCAL_STORAGE_PATH`, which is saved anonymously only once a
 * result is written to it). Blocks at the same place (same `locationUri()`) are merged; a
 * place inside another is marked as covered by it. Nothing is saved or changed.
 *
 * @example
 * ```ts
 * const { storages, skipped } = await collectSweepStorages(client, settings);
 * ```
 */
export async function collectSweepStorages(
  client: OrchestrationClient,
  settings: Settings,
): Promise<{ storages: SweepStorage[]; skipped: SkippedStorage[]; locationOfBlock: Map<string | null, string> }> {
  const byLocation = new Map<string, SweepStorage>();
  const skipped: SkippedStorage[] = [];
  const locationOfBlock = new Map<string | null, string>();
  const add = (storage: WritableFileSystem, blockId: string | null, name: string): void => {
    const location = storage.locationUri?.() ?? `${storage.blockTypeSlug}:block:${blockId ?? "default"}`;
    locationOfBlock.set(blockId, location);
    const known = byLocation.get(location);
    if (known === undefined) {
      byLocation.set(location, { storage, location, blockIds: [blockId], names: [name] });
    } else {
      known.blockIds.push(blockId);
      if (!known.names.includes(name)) known.names.push(name);
    }
  };

  for (const doc of await client.readBlockDocuments({ includeAnonymous: true })) {
    const name = doc.isAnonymous ? `${doc.blockTypeSlug}/anonymous` : `${doc.blockTypeSlug}/${doc.name}`;
    let block: object;
    try {
      block = await loadBlockById(client, doc.id);
    } catch (err) {
      skipped.push({ name, reason: `it cannot be loaded here (${err instanceof Error ? err.message : String(err)})` });
      continue;
    }
    const storage = block as Partial<WritableFileSystem>;
    if (typeof storage.readPath !== "function" || typeof storage.writePath !== "function") continue; // not a storage block
    add(block as WritableFileSystem, doc.id, name);
  }

  const defaultSlug = settings.get("CAIRN_DEFAULT_RESULT_STORAGE_BLOCK");
  if (defaultSlug === undefined) {
    add(new LocalFileSystem({ basepath: settings.get("CAIRN_LOCAL_STORAGE_PATH") }), null, "default storage");
  }

  const storages = [...byLocation.values()];
  for (const inner of storages) {
    const outer = storages.find((o) => o !== inner && inner.location.startsWith(o.location) && o.location.endsWith("/"));
    if (outer !== undefined) inner.coveredBy = outer.storage.describe();
  }
  return { storages, skipped, locationOfBlock };
}
