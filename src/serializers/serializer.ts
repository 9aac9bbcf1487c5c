/**
 * The JSON-able configuration of a serializer, as found in a result blob.
 * `type` names the serializer; the rest are its options.
 */
export interface SerializerConfig {
  type: string;
  [option: string]: unknown;
}

/**
 * Converts values to a storable text form and back.
 *
 * `dumps` returns what a result blob's `data` field holds: text for JSON, base64 text
 * for binary formats. `loads` accepts exactly that form.
 *
 * @example
 * ```ts
 * const s = resolveSerializer("json");
 * const text = await s.dumps({ a: 1 });
 * const value = await s.loads(text);
 * ```
 */
export interface Serializer<T = unknown> {
  /** The type string this serializer is registered under, e.g. `"json"`. */
  readonly type: string;
  /** Serializes a value to its stored text form. */
  dumps(value: T): string | Promise<string>;
  /** Deserializes the stored text form back to a value. */
  loads(serialized: string): T | Promise<T>;
  /** The full configuration, enough for `resolveSerializer(config)` to rebuild it. */
  toConfig(): SerializerConfig;
}
