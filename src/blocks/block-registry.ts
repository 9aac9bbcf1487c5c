import type { z } from "zod";
import { BlockError, BlockErrorCode } from "./block-error.js";
import { assertBlockTypeSlug } from "./block-name.js";

/**
 * The static side of a block type: what the registry needs to save and rebuild its
 * blocks. `Block` subclasses have it; so can any class with these statics.
 *
 * @example
 * ```ts
 * const type: BlockClass = LocalFileSystem;
 * type.blockTypeSlug; // "local-file-system"
 * ```
 */
export interface BlockClass<T extends object = object> {
  new (options: any): T;
  /** The class name, e.g. `"S3"`. */
  readonly name: string;
  /** The type slug, e.g. `"s3"`: the first part of the block's slugs. */
  readonly blockTypeSlug: string;
  /** The fields encrypted at rest and masked in listings. @default [] */
  readonly secretFields?: readonly string[];
  /** The zod schema of the fields (`toConfig({ includeSecrets: true })`), checked when a document is loaded. */
  readonly schema?: z.ZodType;
  /** Rebuilds a block from its fields. @default new Class(fields) */
  fromConfig?(config: Record<string, unknown>): T;
}

/** The block types Cairn ships, by slug, with their class names (for messages when one is not loaded). */
export const BUILTIN_BLOCK_TYPES: Readonly<Record<string, string>> = Object.freeze({
  "local-file-system": "LocalFileSystem",
  s3: "S3",
  "azure-blob-storage": "AzureBlobStorage",
});

const registry = new Map<string, BlockClass>();

/**
 * Registers a block type under its `blockTypeSlug`, so saved documents of that type can be
 * loaded (`Block.load("slug/name")`, `resultStorage: "slug/name"`, result references).
 * Registering the same class again does nothing; another class under a taken slug is refused.
 * Built-in types are registered by Cairn; `save()` registers the class of the block it saves.
 *
 * @example
 * ```ts
 * class Gcs extends Block { static readonly blockTypeSlug = "gcs"; ... }
 * registerBlockType(Gcs);
 * ```
 */
export function registerBlockType(type: BlockClass): void {
  assertBlockTypeSlug(type.blockTypeSlug);
  const existing = registry.get(type.blockTypeSlug);
  if (existing === undefined) {
    registry.set(type.blockTypeSlug, type);
    return;
  }
  if (existing === type) return;
  throw new BlockError(
    BlockErrorCode.UnknownType,
    `Cannot register ${type.name} as block type "${type.blockTypeSlug}": ${existing.name} is already registered ` +
      "under that slug. Give the class another static blockTypeSlug.",
    { context: { blockTypeSlug: type.blockTypeSlug } },
  );
}

/**
 * The block type registered under `slug`, or undefined.
 *
 * @example
 * ```ts
 * findBlockType("s3")?.name; // "S3"
 * ```
 */
export function findBlockType(slug: string): BlockClass | undefined {
  return registry.get(slug);
}

/**
 * The block type registered under `slug`.
 *
 * @throws {BlockError} `BLOCK_UNKNOWN_TYPE`, listing the registered types.
 *
 * @example
 * ```ts
 * requireBlockType("local-file-system"); // LocalFileSystem
 * ```
 */
export function requireBlockType(slug: string): BlockClass {
  const type = registry.get(slug);
  if (type !== undefined) return type;
  const known = [...registry.keys()].sort().join(", ");
  const builtin = BUILTIN_BLOCK_TYPES[slug];
  const message =
    builtin !== undefined
      ? `The block type "${slug}" (${builtin}) is not available in this process: import { ${builtin} } from "cairn" ` +
        `before loading ${slug} blocks. Registered block types: ${known || "none"}.`
      : `Unknown block type "${slug}". Registered block types: ${known || "none"}. A custom block class must be ` +
        "registered with registerBlockType(MyBlock) (or saved once) in the process that loads it.";
  throw new BlockError(BlockErrorCode.UnknownType, message, { context: { blockTypeSlug: slug } });
}

/**
 * Every registered block type, by slug.
 *
 * @example
 * ```ts
 * blockTypes().map((t) => t.blockTypeSlug); // ["local-file-system", "s3", ...]
 * ```
 */
export function blockTypes(): BlockClass[] {
  return [...registry.values()].sort((a, b) => a.blockTypeSlug.localeCompare(b.blockTypeSlug));
}
