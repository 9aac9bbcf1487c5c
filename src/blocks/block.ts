import { inspect } from "node:util";
import type { OrchestrationClient } from "../client/orchestration-client.js";
import { blockClient } from "./block-client.js";
import { attachBlockDocument, blockDocumentInput, blockDocumentOf, loadBlock, type BlockDocumentRef } from "./block-document.js";
import { BlockError, BlockErrorCode } from "./block-error.js";
import { assertBlockName, formatBlockSlug, parseBlockSlug, type BlockSlug } from "./block-name.js";

/** Where a block is saved to or loaded from. */
export interface BlockStoreOptions {
  /**
   * The metadata store to use.
   * @default the client of the engine in scope (`engine.run(...)`), else of the default engine
   */
  client?: OrchestrationClient;
}

/** Options of {@link Block.save}. */
export interface BlockSaveOptions extends BlockStoreOptions {
  /** Replace a block already saved under that name (it keeps its id). @default false */
  overwrite?: boolean;
}

/** Options of {@link Block.toConfig}. */
export interface BlockConfigOptions {
  /** Give secret fields in clear instead of `"********"`. @default false */
  includeSecrets?: boolean;
}

/** A concrete or abstract block class, as `this` of the static methods. */
type BlockConstructor<T extends Block> = abstract new (...args: any[]) => T;

/**
 * The base of every block: a typed configuration (a storage location and its
 * credentials, ...) that can be saved by name to the metadata store and loaded back by
 * slug, `"<block-type-slug>/<name>"` (DESIGN §6).
 *
 * A subclass declares `static readonly blockTypeSlug` (lowercase, dashes), optionally
 * `static readonly secretFields` (encrypted at rest, masked everywhere else) and
 * `static readonly schema` (a zod schema of its fields, checked when a document is
 * loaded), and implements `toConfig({ includeSecrets })` and `static fromConfig(fields)`
 * (else its constructor is called with the fields). Register a custom type with
 * `registerBlockType` in every process that loads it.
 *
 * Printing, logging or serializing a block shows its fields with secrets masked.
 *
 * @example
 * ```ts
 * const id = await new S3({ bucketPath: "bucket/prefix", awsAccessKeyId, awsSecretAccessKey }).save("demo", { overwrite: true });
 * const s3 = await S3.load("demo");              // an S3, secrets usable
 * const same = await Block.load("s3/demo");      // the same, typed as Block
 * await Block.delete("s3/demo");
 * ```
 */
export abstract class Block {
  /** The block type slug, e.g. `"s3"` (the same as the class's static `blockTypeSlug`). */
  abstract readonly blockTypeSlug: string;

  /** The block's fields as JSON, secret fields masked unless `includeSecrets` is true. */
  abstract toConfig(options?: BlockConfigOptions): Record<string, unknown>;

  /** The id of the document this block was saved as or loaded from (named or anonymous). */
  get blockDocumentId(): string | undefined {
    return blockDocumentOf(this)?.id;
  }

  /** The slug of the named document this block was saved as or loaded from, e.g. `"s3/demo"`. */
  get blockSlug(): string | undefined {
    const document: BlockDocumentRef | undefined = blockDocumentOf(this);
    return document === undefined || document.isAnonymous ? undefined : formatBlockSlug(document);
  }

  /**
   * Saves this block under `name` (lowercase letters, digits and dashes) and returns the
   * document id. Secret fields are encrypted at rest. A taken name is refused unless
   * `overwrite: true` is given.
   *
   * @throws {BlockError} `BLOCK_INVALID_NAME`, `BLOCK_NAME_RESERVED` (a name starting with `anonymous-`), `BLOCK_ALREADY_EXISTS`.
   *
   * @example
   * ```ts
   * const id = await new LocalFileSystem({ basepath: "/data/results" }).save("results", { overwrite: true });
   * ```
   */
  async save(name: string, options: BlockSaveOptions = {}): Promise<string> {
    assertBlockName(name);
    const input = blockDocumentInput(this, name);
    const client = options.client ?? (await blockClient());
    const record = await client.saveBlockDocument(input, { overwrite: options.overwrite === true });
    attachBlockDocument(this, record);
    return record.id;
  }

  /**
   * Loads a saved block: `Block.load("s3/demo")` takes a slug and returns a block of
   * whatever type the slug names; `S3.load("demo")` takes a name (or an `s3/` slug) and
   * returns an `S3`. Secret fields are decrypted, ready to use.
   *
   * @throws {BlockError} `BLOCK_NOT_FOUND` naming the type and the name (and the saved names
   *   of that type, when few), `BLOCK_INVALID_DOCUMENT`, `BLOCK_UNKNOWN_TYPE`;
   *   `SecretKeyError` when the secret key changed since the block was saved.
   *
   * @example
   * ```ts
   * const storage = await LocalFileSystem.load("results");
   * const any = await Block.load("local-file-system/results");
   * ```
   */
  static async load<T extends Block>(this: BlockConstructor<T>, nameOrSlug: string, options: BlockStoreOptions = {}): Promise<T> {
    const slug = resolveSlug(this, nameOrSlug, "load");
    const client = options.client ?? (await blockClient());
    const block = await loadBlock(client, slug);
    if (!(block instanceof this)) {
      throw new BlockError(
        BlockErrorCode.UnknownType,
        `${this.name}.load(${JSON.stringify(nameOrSlug)}) loaded a ${block.constructor.name}, which is not a ${this.name}. ` +
          `Use Block.load(${JSON.stringify(formatBlockSlug(slug))}).`,
        { context: { ...slug } },
      );
    }
    return block;
  }

  /**
   * Deletes a saved block (by slug, or by name on a subclass). Resolves to false when
   * nothing was saved under it. Results already written keep their data, but references
   * to the block's id can no longer be resolved.
   *
   * @example
   * ```ts
   * await S3.delete("demo");         // or Block.delete("s3/demo")
   * ```
   */
  static async delete(this: BlockConstructor<Block>, nameOrSlug: string, options: BlockStoreOptions = {}): Promise<boolean> {
    const slug = resolveSlug(this, nameOrSlug, "delete");
    const client = options.client ?? (await blockClient());
    return client.deleteBlockDocument(slug.blockTypeSlug, slug.name);
  }

  /** The fields with secrets masked: what `JSON.stringify(block)` writes. */
  toJSON(): Record<string, unknown> {
    return this.toConfig();
  }

  /** `ClassName(<describe() or slug>)`; never a secret. */
  toString(): string {
    const describe = (this as { describe?: () => string }).describe;
    return `${this.constructor.name}(${typeof describe === "function" ? describe.call(this) : this.blockTypeSlug})`;
  }

  /** The class name and the fields with secrets masked, for `console.log`. */
  [inspect.custom](): string {
    return `${this.constructor.name} ${inspect(this.toConfig())}`;
  }
}

/** The slug a static call means: a full slug, or a name of the calling class's type. */
function resolveSlug(type: BlockConstructor<Block>, nameOrSlug: string, method: string): BlockSlug {
  const own = (type as unknown as { blockTypeSlug?: unknown }).blockTypeSlug;
  if (typeof own !== "string") {
    if (typeof nameOrSlug !== "string" || !nameOrSlug.includes("/")) {
      throw new BlockError(
        BlockErrorCode.InvalidName,
        `${type.name}.${method}(${JSON.stringify(nameOrSlug)}) needs a slug "<block-type>/<name>", e.g. "s3/demo"; ` +
          `or call it on the block class with a name: S3.${method}("demo").`,
        { context: { slug: String(nameOrSlug) } },
      );
    }
    return parseBlockSlug(nameOrSlug);
  }
  if (typeof nameOrSlug === "string" && nameOrSlug.includes("/")) {
    const slug = parseBlockSlug(nameOrSlug);
    if (slug.blockTypeSlug !== own) {
      throw new BlockError(
        BlockErrorCode.InvalidName,
        `${type.name}.${method}(${JSON.stringify(nameOrSlug)}): that slug names a ${slug.blockTypeSlug} block, not a ` +
          `${own} block. Use Block.${method}(${JSON.stringify(nameOrSlug)}), or pass a name.`,
        { context: { ...slug } },
      );
    }
    return slug;
  }
  assertBlockName(nameOrSlug, { allowAnonymous: true });
  return { blockTypeSlug: own, name: nameOrSlug };
}
