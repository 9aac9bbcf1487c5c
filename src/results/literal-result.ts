import type { BaseResult, ResultRecord } from "./base-result.js";

/** The values kept inline in the metadata store instead of in storage. */
export type LiteralValue = null | undefined | boolean;

/** True for `null`, `undefined`, `true` and `false`. */
export function isLiteralValue(value: unknown): value is LiteralValue {
  return value === null || value === undefined || value === true || value === false;
}

/**
 * A result held inline in the metadata store: `null`, `true`, `false` (and `undefined`).
 * Never written to storage.
 *
 * @example
 * ```ts
 * const r = new LiteralResult(true);
 * r.toRecord(); // { type: "literal", value: true }
 * ```
 */
export class LiteralResult<T extends LiteralValue = LiteralValue> implements BaseResult<T> {
  readonly type = "literal" as const;
  constructor(readonly value: T) {}

  get(): Promise<T> {
    return Promise.resolve(this.value);
  }

  toRecord(): ResultRecord {
    return { type: "literal", value: this.value === undefined ? "undefined" : this.value };
  }

  /** Rebuilds a literal result from its metadata-store form. */
  static fromRecord(record: Extract<ResultRecord, { type: "literal" }>): LiteralResult {
    return new LiteralResult(record.value === "undefined" ? undefined : record.value);
  }
}
