import { ConfigurationError } from "../../errors/configuration-error.js";
import type { BlockDocumentInput } from "../../records/index.js";

/**
 * Refuses block fields that are not JSON before they are sent, with the error the service
 * layer gives for them (`BlockDocumentStore`): over HTTP, `JSON.stringify` would otherwise
 * turn a `Date` into a string, or drop a function, without a word.
 *
 * @example
 * ```ts
 * assertJsonFields({ blockTypeSlug: "s3", name: "x", data: { when: new Date() }, secretFields: [] }); // throws
 * ```
 */
export function assertJsonFields(input: BlockDocumentInput): void {
  const label = `${input.blockTypeSlug}/${input.name}`;
  if (input.data === null || typeof input.data !== "object" || Array.isArray(input.data)) {
    throw new ConfigurationError(`The fields of block ${label} must be an object.`);
  }
  const secret = new Set(input.secretFields);
  for (const [field, value] of Object.entries(input.data)) {
    if (value === undefined || isJson(value, 0)) continue;
    const shown = secret.has(field) ? "a secret value" : typeof value;
    throw new ConfigurationError(
      `The field ${field} of block ${label} cannot be saved: ${shown} is not JSON (strings, numbers, booleans, ` +
        "null, arrays and plain objects). Return JSON from the block's toConfig().",
      { context: { field } },
    );
  }
}

function isJson(value: unknown, depth: number): boolean {
  if (depth > 50) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as object).every((v) => v === undefined || isJson(v, depth + 1));
  }
  return false;
}
