/**
 * The key that marks a tagged value in the JSON serializer's output:
 * `{"$cairn": "Date", "value": "2024-05-01T12:00:00.000Z"}`. A user object that has this
 * key itself is escaped as `{"$cairn": "Object", "value": {...}}`.
 */
export const JSON_TAG_KEY = "$cairn";

/**
 * The tags the JSON serializer writes for the types JSON lacks. A value whose tag is
 * not listed here (nor `"class"` for registered classes) goes to the `decoder` hook.
 */
export const JSON_TAGS = {
  undefined: "undefined",
  number: "Number",
  bigint: "BigInt",
  date: "Date",
  map: "Map",
  set: "Set",
  buffer: "Buffer",
  arrayBuffer: "ArrayBuffer",
  dataView: "DataView",
  url: "URL",
  regExp: "RegExp",
  error: "Error",
  object: "Object",
  class: "class",
} as const;

/**
 * A tagged value returned by a JSON `encoder` hook; written as
 * `{"$cairn": tag, "value": <value, encoded>}`. Create it with {@link jsonTag}.
 *
 * @example
 * ```ts
 * new JsonTagged("Decimal", "1.10"); // same as jsonTag("Decimal", "1.10")
 * ```
 */
export class JsonTagged {
  constructor(
    /** The tag, e.g. `"Decimal"`. */
    readonly tag: string,
    /** The payload; encoded by the JSON serializer like any other value. */
    readonly value: unknown,
  ) {}
}

/**
 * Makes a tagged value for a JSON `encoder` hook; the `decoder` hook receives the tag
 * and the decoded payload back.
 *
 * @example
 * ```ts
 * const s = new JSONSerializer({
 *   encoder: (v) => (v instanceof Decimal ? jsonTag("Decimal", v.toString()) : undefined),
 *   decoder: (tag, v) => (tag === "Decimal" ? new Decimal(v as string) : undefined),
 * });
 * ```
 */
export function jsonTag(tag: string, value: unknown): JsonTagged {
  return new JsonTagged(tag, value);
}
