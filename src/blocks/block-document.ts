import type { OrchestrationClient } from "../client/orchestration-client.js";
import type { BlockDocumentInput, BlockDocumentRecord } from "../records/index.js";
import { CairnError } from "../errors/cairn-error.js";
import { BlockError, BlockErrorCode } from "./block-error.js";
import { BlockFieldsError, parseBlockFields } from "./block-fields.js";
import { formatBlockSlug } from "./block-name.js";
import { findBlockType, registerBlockType, requireBlockType, type BlockClass } from "./block-registry.js";

/** The saved document a block instance was saved as or loaded from. */
export interface BlockDocumentRef {
  readonly id: string;
  readonly blockTypeSlug: string;
  readonly name: string;
  readonly isAnonymous: boolean;
}

/** What can be saved as a block document: its type slug and its fields. */
export interface BlockLike {
  readonly blockTypeSlug: string;
  toConfig(options?: { includeSecrets?: boolean }): Record<string, unknown>;
}

const documents = new WeakMap<object, BlockDocumentRef>();

/**
 * The document `block` was saved as or loaded from (named or anonymous), if any.
 *
 * @example
 * ```ts
 * await storage.save("results");
 * blockDocumentOf(storage)?.id; // "0193..."
 * ```
 */
export function blockDocumentOf(block: object): BlockDocumentRef | undefined {
  return documents.get(block);
}

/**
 * Records that `block` is the document `record` (after a save or a load).
 *
 * @example
 * ```ts
 * attachBlockDocument(block, await client.saveBlockDocument(blockDocumentInput(block, "prod")));
 * ```
 */
export function attachBlockDocument(block: object, record: BlockDocumentRecord): void {
  documents.set(block, {
    id: record.id,
    blockTypeSlug: record.blockTypeSlug,
    name: record.name,
    isAnonymous: record.isAnonymous,
  });
}

function hasSecretValue(value: unknown): value is { getSecretValue(): unknown } {
  return typeof value === "object" && value !== null && typeof (value as { getSecretValue?: unknown }).getSecretValue === "function";
}

/**
 * The document input for a block: its type, its fields with secrets in clear (a
 * `SecretStr` is unwrapped and counted as secret), and the names of its secret fields.
 * Registers the block's class when its slug is free, so it can be loaded back in this process.
 *
 * @example
 * ```ts
 * await client.saveBlockDocument(blockDocumentInput(new S3({ bucketPath: "b" }), "prod"));
 * ```
 */
export function blockDocumentInput(block: BlockLike, name: string): BlockDocumentInput {
  const type = block.constructor as BlockClass;
  // A class saving its own blocks can load them back (a slug taken by another class stays with it).
  if (type.blockTypeSlug === block.blockTypeSlug && findBlockType(type.blockTypeSlug) === undefined) registerBlockType(type);
  const secretFields = new Set(type.secretFields ?? []);
  const data: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(block.toConfig({ includeSecrets: true }))) {
    if (hasSecretValue(value)) {
      data[field] = value.getSecretValue();
      secretFields.add(field);
    } else {
      data[field] = value;
    }
  }
  return { blockTypeSlug: block.blockTypeSlug, name, data, secretFields: [...secretFields] };
}

/**
 * Rebuilds the block a document describes (read with its secrets): finds its class in the
 * registry, checks the fields with the class's zod schema, builds it with `fromConfig`
 * (or the constructor) and records which document it is.
 *
 * @throws {BlockError} `BLOCK_UNKNOWN_TYPE` for an unregistered type, `BLOCK_INVALID_DOCUMENT`
 *   naming the block and the bad fields.
 *
 * @example
 * ```ts
 * const block = blockFromDocument(await client.readBlockDocument("s3", "prod", { includeSecrets: true }));
 * ```
 */
export function blockFromDocument(record: BlockDocumentRecord): object {
  const type = requireBlockType(record.blockTypeSlug);
  const slug = formatBlockSlug(record);
  let block: object;
  try {
    const fields = type.schema === undefined ? record.data : (parseBlockFields(type.schema, record.data, type) as Record<string, unknown>);
    block = type.fromConfig !== undefined ? type.fromConfig(fields) : new type(fields);
  } catch (err) {
    if (!(err instanceof CairnError)) throw err;
    const problem = err instanceof BlockFieldsError ? `${err.issues.join("; ")}.` : err.message;
    throw new BlockError(
      BlockErrorCode.InvalidDocument,
      `The saved block ${slug} does not hold a valid ${type.name} configuration: ${problem} ` +
        `Save it again with valid fields (save(${JSON.stringify(record.name)}, { overwrite: true })), or delete it ` +
        `(cairn block delete ${slug}).`,
      { cause: err, context: { blockTypeSlug: record.blockTypeSlug, name: record.name, blockId: record.id } },
    );
  }
  attachBlockDocument(block, record);
  return block;
}

/** Saved names listed in full in a not-found message up to this many. */
const MAX_LISTED_NAMES = 10;

/**
 * Reads the document `blockTypeSlug/name` with its secrets and rebuilds its block.
 *
 * @throws {BlockError} `BLOCK_UNKNOWN_TYPE` for an unregistered type; `BLOCK_NOT_FOUND` naming
 *   the type and the name, and listing the saved names of that type when there are few.
 *
 * @example
 * ```ts
 * const storage = await loadBlock(client, { blockTypeSlug: "s3", name: "prod" });
 * ```
 */
export async function loadBlock(client: BlockDocumentReader, slug: { blockTypeSlug: string; name: string }): Promise<object> {
  requireBlockType(slug.blockTypeSlug);
  const record = await client.readBlockDocument(slug.blockTypeSlug, slug.name, { includeSecrets: true });
  if (record === undefined) throw await blockNotFoundError(client, slug);
  return blockFromDocument(record);
}

/**
 * Reads the document with this id with its secrets and rebuilds its block.
 *
 * @throws {BlockError} `BLOCK_NOT_FOUND` when no document has this id.
 *
 * @example
 * ```ts
 * const storage = await loadBlockById(client, reference.storageBlockId);
 * ```
 */
export async function loadBlockById(client: BlockDocumentReader, id: string): Promise<object> {
  const record = await client.readBlockDocumentById(id, { includeSecrets: true });
  if (record === undefined) {
    throw new BlockError(
      BlockErrorCode.NotFound,
      `No block document has the id ${id}: it was deleted, or it was saved in another metadata store ` +
        "(check CAIRN_HOME, CAIRN_API_DATABASE_URL and CAIRN_API_URL). Run `cairn block ls --all` to list saved blocks.",
      { context: { blockId: id } },
    );
  }
  return blockFromDocument(record);
}

/** The client methods {@link loadBlock} uses. */
export type BlockDocumentReader = Pick<
  OrchestrationClient,
  "readBlockDocument" | "readBlockDocumentById" | "readBlockDocuments"
>;

/**
 * The error for a missing block: names its type and name, and lists the saved names of
 * that type when there are at most ten.
 *
 * @example
 * ```ts
 * throw await blockNotFoundError(client, { blockTypeSlug: "s3", name: "prod" });
 * ```
 */
export async function blockNotFoundError(
  client: BlockDocumentReader,
  slug: { blockTypeSlug: string; name: string },
): Promise<BlockError> {
  const names = (await client.readBlockDocuments({ blockTypeSlug: slug.blockTypeSlug })).map((d) => d.name);
  const type = slug.blockTypeSlug;
  let saved: string;
  if (names.length === 0) saved = `No ${type} blocks are saved.`;
  else if (names.length <= MAX_LISTED_NAMES) saved = `Saved ${type} blocks: ${names.map((n) => JSON.stringify(n)).join(", ")}.`;
  else saved = `${names.length} ${type} blocks are saved; run \`cairn block ls\` to list them.`;
  return new BlockError(
    BlockErrorCode.NotFound,
    `No block is saved as ${formatBlockSlug(slug)} (block type "${type}", name "${slug.name}"). ${saved} ` +
      `Save it first, e.g. await block.save(${JSON.stringify(slug.name)}), or run \`cairn block ls\`.`,
    { context: { blockTypeSlug: type, name: slug.name, savedNames: names.slice(0, MAX_LISTED_NAMES) } },
  );
}
