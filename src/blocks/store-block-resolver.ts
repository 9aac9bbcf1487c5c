import type { OrchestrationClient } from "../client/orchestration-client.js";
import "./builtin-block-types.js";
import { blockDocumentInput, blockDocumentOf, loadBlock, loadBlockById } from "./block-document.js";
import { BlockError, BlockErrorCode } from "./block-error.js";
import { formatBlockSlug, parseBlockSlug } from "./block-name.js";
import { findBlockType } from "./block-registry.js";
import type { ResolvedStorage, StorageBlockResolver } from "./storage-block-resolver.js";
import type { WritableFileSystem } from "./writable-file-system.js";

/** What {@link StoreBlockResolver} reads and saves block documents through: an engine, or any client holder. */
export interface BlockClientSource {
  client(): Promise<OrchestrationClient>;
}

/**
 * The engine's default {@link StorageBlockResolver}: loads saved storage blocks from the
 * metadata store, saves unsaved storage blocks anonymously (once per distinct
 * configuration, secrets included, across processes) so that every persisted result's
 * reference names its storage by document id, and loads blocks back by id.
 *
 * @example
 * ```ts
 * const engine = new Engine({ blocks: new StoreBlockResolver({ client: () => openEmbeddedClient({ path }) }) });
 * // the default: new StoreBlockResolver(engine)
 * ```
 */
export class StoreBlockResolver implements StorageBlockResolver {
  readonly #source: BlockClientSource;
  readonly #byId = new Map<string, Promise<WritableFileSystem>>();

  constructor(source: BlockClientSource) {
    this.#source = source;
  }

  /** {@inheritDoc StorageBlockResolver.load} */
  async load(slug: string): Promise<ResolvedStorage> {
    const parts = parseBlockSlug(slug);
    const block = await loadBlock(await this.#source.client(), parts);
    const storage = asStorage(block, formatBlockSlug(parts));
    return { storage, blockId: blockDocumentOf(block)?.id ?? null };
  }

  /**
   * {@inheritDoc StorageBlockResolver.idFor}
   * A block saved or loaded by name answers its own id; another instance of a registered
   * block type is saved anonymously; an instance of an unregistered type gets null.
   */
  async idFor(storage: WritableFileSystem): Promise<string | null> {
    const known = blockDocumentOf(storage);
    if (known !== undefined) return known.id;
    if (findBlockType(storage.blockTypeSlug) === undefined && (storage.constructor as { blockTypeSlug?: unknown }).blockTypeSlug !== storage.blockTypeSlug) {
      return null;
    }
    const client = await this.#source.client();
    const record = await client.saveAnonymousBlockDocument(blockDocumentInput(storage, ""));
    return record.id;
  }

  /** {@inheritDoc StorageBlockResolver.byId} */
  byId(id: string): Promise<WritableFileSystem> {
    let loaded = this.#byId.get(id);
    if (loaded === undefined) {
      loaded = this.#source.client().then(async (client) => asStorage(await loadBlockById(client, id), `with id ${id}`));
      this.#byId.set(id, loaded);
      loaded.catch(() => this.#byId.delete(id));
    }
    return loaded;
  }
}

function asStorage(block: object, label: string): WritableFileSystem {
  const storage = block as Partial<WritableFileSystem>;
  if (typeof storage.readPath === "function" && typeof storage.writePath === "function") return block as WritableFileSystem;
  throw new BlockError(
    BlockErrorCode.NotStorage,
    `The block ${label} is a ${block.constructor.name}, not a storage block (it has no readPath/writePath), ` +
      "so results cannot be stored in it. Choose a storage block such as local-file-system, s3 or azure-blob-storage.",
    { context: { block: label } },
  );
}
