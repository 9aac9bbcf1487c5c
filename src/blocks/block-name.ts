import { BlockError, BlockErrorCode } from "./block-error.js";

/** Block names and type slugs: lowercase letters, digits and dashes, not at either end. */
const NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** The longest block name accepted. */
export const MAX_BLOCK_NAME_LENGTH = 100;
/** Names of anonymous documents start with this; user-chosen names cannot. */
export const ANONYMOUS_NAME_PREFIX = "anonymous-";

/** A slug split in its parts. */
export interface BlockSlug {
  blockTypeSlug: string;
  name: string;
}

function why(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > MAX_BLOCK_NAME_LENGTH) return `it is longer than ${MAX_BLOCK_NAME_LENGTH} characters`;
  if (!NAME.test(name)) return "use lowercase letters, digits and dashes (not at either end)";
  return undefined;
}

function suggestion(name: string): string {
  const fixed = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, MAX_BLOCK_NAME_LENGTH);
  return fixed === "" ? "my-block" : fixed;
}

/**
 * Checks a block name given to `save`.
 *
 * @throws {BlockError} `BLOCK_INVALID_NAME`, saying what is wrong and suggesting a valid name;
 *   `BLOCK_NAME_RESERVED` for a name starting with `anonymous-` (unless `allowAnonymous`).
 *
 * @example
 * ```ts
 * assertBlockName("prod-results"); // ok
 * assertBlockName("Prod Results"); // throws: ... e.g. "prod-results"
 * ```
 */
export function assertBlockName(name: unknown, options: { allowAnonymous?: boolean } = {}): asserts name is string {
  if (typeof name !== "string") {
    throw new BlockError(BlockErrorCode.InvalidName, `A block name must be a string, got ${typeof name}.`);
  }
  const reason = why(name);
  if (reason !== undefined) {
    throw new BlockError(
      BlockErrorCode.InvalidName,
      `Invalid block name ${JSON.stringify(name)}: ${reason}, e.g. ${JSON.stringify(suggestion(name))}.`,
      { context: { name } },
    );
  }
  if (options.allowAnonymous !== true && name.startsWith(ANONYMOUS_NAME_PREFIX)) {
    throw new BlockError(
      BlockErrorCode.ReservedName,
      `Invalid block name ${JSON.stringify(name)}: names starting with "${ANONYMOUS_NAME_PREFIX}" are kept for ` +
        "blocks Cairn saves anonymously. Choose another name.",
      { context: { name } },
    );
  }
}

/**
 * Checks a block type slug, e.g. `"s3"` or `"local-file-system"`.
 *
 * @example
 * ```ts
 * assertBlockTypeSlug("azure-blob-storage"); // ok
 * ```
 */
export function assertBlockTypeSlug(slug: unknown): asserts slug is string {
  if (typeof slug !== "string" || why(slug) !== undefined) {
    throw new BlockError(
      BlockErrorCode.InvalidName,
      `Invalid block type slug ${JSON.stringify(slug)}: use lowercase letters, digits and dashes, e.g. "local-file-system".`,
      { context: { blockTypeSlug: String(slug) } },
    );
  }
}

/**
 * Splits `"block-type/name"` into its parts (anonymous names are accepted).
 *
 * @throws {BlockError} `BLOCK_INVALID_NAME` for anything else.
 *
 * @example
 * ```ts
 * parseBlockSlug("s3/prod"); // { blockTypeSlug: "s3", name: "prod" }
 * ```
 */
export function parseBlockSlug(slug: unknown): BlockSlug {
  const text = typeof slug === "string" ? slug.trim() : "";
  const slash = text.indexOf("/");
  const blockTypeSlug = text.slice(0, slash);
  const name = text.slice(slash + 1);
  if (slash < 0 || why(blockTypeSlug) !== undefined || why(name) !== undefined) {
    throw new BlockError(
      BlockErrorCode.InvalidName,
      `Invalid block slug ${JSON.stringify(slug)}: expected "<block-type>/<name>" in lowercase letters, digits ` +
        'and dashes, e.g. "s3/prod" or "local-file-system/results".',
      { context: { slug: String(slug) } },
    );
  }
  return { blockTypeSlug, name };
}

/**
 * `"block-type/name"`.
 *
 * @example
 * ```ts
 * formatBlockSlug({ blockTypeSlug: "s3", name: "prod" }); // "s3/prod"
 * ```
 */
export function formatBlockSlug(slug: BlockSlug): string {
  return `${slug.blockTypeSlug}/${slug.name}`;
}
