import { className, describeNeverSerializable } from "../internal/describe-value.js";
import type { UnserializableRules } from "../internal/find-unserializable.js";
import type { JsonClassRegistry } from "./json-class-registry.js";
import type { JsonEncoderHook } from "./json-encoder.js";
import { JsonTagged } from "./json-tag.js";
import { typedArrayTag } from "./typed-arrays.js";

/** Built-in classes the JSON serializer writes with its own hooks. */
function isBuiltInJsonType(value: object): boolean {
  if (ArrayBuffer.isView(value)) {
    return Buffer.isBuffer(value) || value instanceof DataView || typedArrayTag(value) !== undefined;
  }
  return (
    value instanceof Date ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof ArrayBuffer ||
    value instanceof URL ||
    value instanceof RegExp ||
    value instanceof Error ||
    Array.isArray(value) ||
    value instanceof String ||
    value instanceof Number ||
    value instanceof Boolean
  );
}

/** How the JSON serializer sees values, for locating the one it could not write. */
export function jsonRules(encoder: JsonEncoderHook | undefined, classes: JsonClassRegistry): UnserializableRules {
  const hooked = (value: unknown): unknown => {
    if (encoder === undefined) return undefined;
    const replaced = encoder(value);
    return replaced instanceof JsonTagged ? replaced.value : replaced;
  };
  return {
    cyclesFail: true,
    inspect(value) {
      const replaced = hooked(value);
      if (replaced !== undefined && replaced !== value) return undefined;
      const never = describeNeverSerializable(value);
      if (never !== undefined) return never;
      if (typeof value !== "object" || value === null) return undefined;
      const name = className(value);
      if (name === undefined || isBuiltInJsonType(value) || classes.nameOf(value.constructor) !== undefined) {
        return undefined;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") return undefined;
      return {
        kind: "class-instance",
        problem: `is an instance of class ${name}, which JSON cannot represent`,
        className: name,
      };
    },
    substitute(value) {
      const replaced = hooked(value);
      if (replaced !== undefined) return replaced;
      const name = classes.nameOf(value.constructor);
      const toJSON = name === undefined ? undefined : classes.get(name)?.toJSON;
      if (toJSON !== undefined) return toJSON(value);
      if (name === undefined && !isBuiltInJsonType(value)) {
        const own = (value as { toJSON?: unknown }).toJSON;
        if (typeof own === "function") return (own as () => unknown).call(value);
      }
      return value;
    },
  };
}
