/** The kinds of value a serializer may be unable to store. */
export type UnserializableKind =
  | "function"
  | "symbol"
  | "weak-reference"
  | "promise"
  | "class-instance"
  | "cycle"
  | "unsupported";

/** One unserializable value: what it is, in words for a message. */
export interface UnserializableValue {
  kind: UnserializableKind;
  /** e.g. `"is a function (onClick)"`. */
  problem: string;
  /** The class of a refused class instance. */
  className?: string | undefined;
}

/** The name of an object's class, or undefined for plain and null-prototype objects. */
export function className(value: object): string | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return undefined;
  const ctor = (proto as { constructor?: unknown }).constructor;
  return typeof ctor === "function" && ctor.name !== "" ? ctor.name : "(anonymous class)";
}

/**
 * Values that no serializer can store: functions, symbols, weak collections and
 * references, promises. Returns undefined for everything else.
 */
export function describeNeverSerializable(value: unknown): UnserializableValue | undefined {
  if (typeof value === "function") {
    const name = (value as { name?: unknown }).name;
    const named = typeof name === "string" && name !== "" ? ` (${name})` : "";
    return { kind: "function", problem: `is a function${named}` };
  }
  if (typeof value === "symbol") {
    return { kind: "symbol", problem: `is a symbol (${value.toString()})` };
  }
  if (typeof value !== "object" || value === null) return undefined;
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef) {
    return { kind: "weak-reference", problem: `is a ${className(value) ?? "weak reference"}` };
  }
  if (typeof FinalizationRegistry === "function" && value instanceof FinalizationRegistry) {
    return { kind: "weak-reference", problem: "is a FinalizationRegistry" };
  }
  if (value instanceof Promise) {
    return { kind: "promise", problem: "is a Promise (await it before returning)" };
  }
  return undefined;
}
