import { describeNeverSerializable } from "../internal/describe-value.js";
import { defineField, toErrorRecord } from "../internal/error-record.js";
import { NegativeZeroMarker, RichValueMarker } from "./msgpack-extension.js";

/** Thrown when the rich copy meets a value no serializer can store. */
export class NeverSerializable extends Error {}

/** The copy {@link toRichTree} makes, and whether it has shared references or cycles. */
export interface RichTree {
  tree: unknown;
  shared: boolean;
}

/**
 * A copy of `value` in which -0, Errors and URLs are replaced by markers the Cairn msgpack
 * extension writes faithfully. Cycles and shared references are kept. Class instances are
 * copied as msgpackr writes them (`toJSON()` when they have it, else own enumerable fields).
 */
export function toRichTree(root: unknown): RichTree {
  const copies = new Map<object, unknown>();
  let shared = false;

  const copy = (value: unknown): unknown => {
    if (typeof value === "number") return value === 0 && 1 / value < 0 ? new NegativeZeroMarker() : value;
    if (describeNeverSerializable(value) !== undefined) throw new NeverSerializable();
    if (typeof value !== "object" || value === null) return value;
    const done = copies.get(value);
    if (done !== undefined) {
      shared = true;
      return done;
    }
    if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof ArrayBuffer || value instanceof RegExp) {
      return value;
    }
    if (Array.isArray(value)) {
      const out = new Array<unknown>(value.length);
      copies.set(value, out);
      for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
      return out;
    }
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>();
      copies.set(value, out);
      for (const [k, v] of value) out.set(copy(k), copy(v));
      return out;
    }
    if (value instanceof Set) {
      const out = new Set<unknown>();
      copies.set(value, out);
      for (const v of value) out.add(copy(v));
      return out;
    }
    if (value instanceof URL) {
      const marker = new RichValueMarker({ kind: "URL", href: value.href });
      copies.set(value, marker);
      return marker;
    }
    if (value instanceof Error) {
      const marker = new RichValueMarker();
      copies.set(value, marker);
      const record = toErrorRecord(value);
      if ("cause" in record) record.cause = copy(record.cause);
      if (record.errors !== undefined) record.errors = copy(record.errors) as unknown[];
      if (record.props !== undefined) record.props = copy(record.props) as Record<string, unknown>;
      marker.payload = { kind: "Error", ...record };
      return marker;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (proto !== Object.prototype && proto !== null && typeof toJSON === "function") {
      return copy((toJSON as () => unknown).call(value));
    }
    const out: Record<string, unknown> = {};
    copies.set(value, out);
    for (const key of Object.keys(value)) defineField(out, key, copy((value as Record<string, unknown>)[key]));
    return out;
  };

  const tree = copy(root);
  return { tree, shared };
}
