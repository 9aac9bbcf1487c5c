import type { z } from "zod";
import { ConfigurationError } from "../errors/configuration-error.js";

/** What {@link parseBlockFields} needs to know of the block type. */
export interface BlockFieldsOwner {
  readonly blockTypeSlug: string;
  readonly secretFields?: readonly string[];
}

/**
 * The fields of a block failed their zod schema. `issues` holds one sentence per field,
 * such as `fsync must be true or false, got "yes"` (secret values are never quoted).
 *
 * @example
 * ```ts
 * try { new LocalFileSystem({ basepath: "" }); } catch (err) {
 *   if (err instanceof BlockFieldsError) console.error(err.issues);
 * }
 * ```
 */
export class BlockFieldsError extends ConfigurationError {
  /** One sentence per invalid field. */
  readonly issues: readonly string[];

  constructor(blockTypeSlug: string, issues: readonly string[], fields: readonly string[]) {
    super(`Invalid ${blockTypeSlug} block: ${issues.join("; ")}.`, { context: { blockTypeSlug, fields: [...fields] } });
    this.issues = issues;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  if (json === undefined) return typeof value;
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/**
 * Validates block fields with the block type's zod schema and returns the parsed fields.
 * Used by block constructors (validation where options are given) and when a saved
 * document is loaded.
 *
 * @throws {BlockFieldsError} (a `ConfigurationError`) naming the block type and each bad field.
 *
 * @example
 * ```ts
 * const schema = z.object({ basepath: z.string({ error: "must be a path" }) });
 * parseBlockFields(schema, { basepath: 3 }, { blockTypeSlug: "local-file-system" });
 * // throws: Invalid local-file-system block: basepath must be a path, got 3.
 * ```
 */
export function parseBlockFields<T>(schema: z.ZodType<T>, fields: unknown, owner: BlockFieldsOwner): T {
  const parsed = schema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const secret = new Set(owner.secretFields ?? []);
  const paths: string[] = [];
  const issues = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (path === "") return `expected an object of fields, got ${describeValue(fields)}`;
    paths.push(path);
    const top = String(issue.path[0]);
    let value: unknown = fields;
    for (const part of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey];
    const message = /^(must|is|needs)\b/.test(issue.message) ? issue.message : `is invalid (${issue.message})`;
    return secret.has(top) ? `${path} ${message}` : `${path} ${message}, got ${describeValue(value)}`;
  });
  throw new BlockFieldsError(owner.blockTypeSlug, issues, paths);
}
