import { createHash } from "node:crypto";
import { CairnError } from "../errors/cairn-error.js";

/** A value could not be hashed for a cache key (a function, a symbol, a cycle, ...). */
export class UnhashableValueError extends CairnError {
  constructor(message: string) {
    super("UNHASHABLE_VALUE", message);
  }
}

/**
 * A SHA-256 hex digest of `value` that is the same in every process for equal values:
 * object keys are sorted, and Date, BigInt, Map, Set, typed arrays, RegExp, URL and
 * `undefined` are encoded with their type, so `1` and `"1"` differ.
 *
 * @example
 * ```ts
 * stableHash({ b: 1, a: [1, 2] }) === stableHash({ a: [1, 2], b: 1 }); // true
 * ```
 */
export function stableHash(...values: unknown[]): string {
  const hash = createHash("sha256");
  const seen = new Set<object>();
  const write = (value: unknown, path: string): void => {
    switch (typeof value) {
      case "string": hash.update(`s${value.length}:`).update(value); return;
      case "number": hash.update(`n${Object.is(value, -0) ? "-0" : String(value)};`); return;
      case "boolean": hash.update(value ? "T" : "F"); return;
      case "bigint": hash.update(`b${value.toString()};`); return;
      case "undefined": hash.update("u"); return;
      case "function":
        throw new UnhashableValueError(`${path} is a function, which cannot be part of a cache key.`);
      case "symbol":
        throw new UnhashableValueError(`${path} is a symbol, which cannot be part of a cache key.`);
    }
    if (value === null) { hash.update("N"); return; }
    const obj = value as object;
    if (seen.has(obj)) throw new UnhashableValueError(`${path} refers back to itself (a cycle), which cannot be part of a cache key.`);
    seen.add(obj);
    if (Array.isArray(obj)) {
      hash.update(`[${obj.length}:`);
      obj.forEach((item, i) => write(item, `${path}[${i}]`));
      hash.update("]");
    } else if (obj instanceof Date) {
      hash.update(`D${obj.getTime()};`);
    } else if (obj instanceof RegExp || obj instanceof URL) {
      hash.update(`${obj.constructor.name}:${String(obj)};`);
    } else if (ArrayBuffer.isView(obj)) {
      hash.update(`${obj.constructor.name}${obj.byteLength}:`).update(new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength));
    } else if (obj instanceof ArrayBuffer) {
      hash.update(`AB${obj.byteLength}:`).update(new Uint8Array(obj));
    } else if (obj instanceof Map) {
      const entries = [...obj.entries()].map(([k, v]) => [stableHash(k), v] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      hash.update(`M${entries.length}:`);
      for (const [k, v] of entries) { hash.update(k); write(v, `${path}.get(...)`); }
    } else if (obj instanceof Set) {
      const items = [...obj].map((v) => stableHash(v)).sort();
      hash.update(`S${items.length}:${items.join(",")}`);
    } else {
      const keys = Object.keys(obj).sort();
      const ctor = (obj as { constructor?: { name?: string } }).constructor?.name ?? "Object";
      hash.update(`{${ctor}${keys.length}:`);
      for (const key of keys) {
        hash.update(`k${key.length}:`).update(key);
        write((obj as Record<string, unknown>)[key], `${path}.${key}`);
      }
      hash.update("}");
    }
    seen.delete(obj);
  };
  values.forEach((v, i) => write(v, values.length === 1 ? "value" : `value[${i}]`));
  return hash.digest("hex");
}
