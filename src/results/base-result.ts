/**
 * The JSON form of a result as the metadata store keeps it: a literal value, a reference
 * to data in storage, or a marker that the value was not persisted. Never the data itself.
 */
export type ResultRecord =
  | { type: "literal"; value: null | boolean | "undefined" }
  | {
      type: "reference";
      storageKey: string;
      storageBlockId: string | null;
      serializerType: string;
      expiration: string | null;
      /** The blob's `integrity` hash when it was written; absent in references recorded before Cairn kept it. */
      integrity?: string;
    }
  | { type: "unpersisted" };

/**
 * A run's result: what a {@link State}'s `data` holds.
 *
 * `get()` resolves to the value: from memory, from the metadata store (literals), or
 * from storage (persisted references).
 */
export interface BaseResult<T = unknown> {
  /** `"literal"`, `"reference"` or `"unpersisted"`. */
  readonly type: ResultRecord["type"];
  /** Resolves to the value. */
  get(): Promise<T>;
  /** The metadata-store form of this result. */
  toRecord(): ResultRecord;
}

/** True when `x` looks like a result object. */
export function isResult(x: unknown): x is BaseResult {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as BaseResult).get === "function" &&
    typeof (x as BaseResult).toRecord === "function" &&
    typeof (x as BaseResult).type === "string"
  );
}
