/**
 * A run's result as the metadata store records it, parsed: a reference to a blob in
 * storage, a literal kept inline, or the marker of a result that was not persisted.
 */
export type ResultReferenceView =
  | {
      type: "reference";
      storageKey: string;
      storageBlockId: string | null;
      serializerType: string;
      expiration: string | null;
      /** The blob's integrity hash (`"sha256-..."`), when the reference records it. */
      integrity: string | null;
    }
  | { type: "literal"; value: null | boolean | "undefined" }
  | { type: "unpersisted"; pruned: boolean };

/**
 * Parses the JSON text of a state's `data` (a `ResultRecord`); undefined for null or
 * text that is not a result record.
 *
 * @example
 * ```ts
 * parseResultReference('{"type":"literal","value":true}'); // { type: "literal", value: true }
 * ```
 */
export function parseResultReference(data: string | null): ResultReferenceView | undefined {
  if (data === null) return undefined;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (record === null || typeof record !== "object") return undefined;
  switch (record["type"]) {
    case "reference":
      if (typeof record["storageKey"] !== "string") return undefined;
      return {
        type: "reference",
        storageKey: record["storageKey"],
        storageBlockId: typeof record["storageBlockId"] === "string" ? record["storageBlockId"] : null,
        serializerType: typeof record["serializerType"] === "string" ? record["serializerType"] : "unknown",
        expiration: typeof record["expiration"] === "string" ? record["expiration"] : null,
        integrity: typeof record["integrity"] === "string" ? record["integrity"] : null,
      };
    case "literal": {
      const value = record["value"];
      return { type: "literal", value: value === true || value === false || value === "undefined" ? value : null };
    }
    case "unpersisted":
      return { type: "unpersisted", pruned: record["pruned"] === true };
    default:
      return undefined;
  }
}
