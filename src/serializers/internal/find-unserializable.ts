import type { UnserializableValue } from "./describe-value.js";
import {
  ROOT_PATH,
  indexPath,
  mapKeyPath,
  mapValuePath,
  propertyPath,
  setElementPath,
} from "./value-path.js";

/** How a serializer sees values, for {@link findUnserializable}. */
export interface UnserializableRules {
  /** Returns what is wrong with `value` when the format cannot hold it. */
  inspect(value: unknown): UnserializableValue | undefined;
  /** Cycles are an error (JSON) rather than supported (msgpack, v8). */
  cyclesFail: boolean;
  /**
   * The value the format actually writes in place of `value` (JSON writes `toJSON()`);
   * the walk continues into it.
   * @default the value itself
   */
  substitute?(value: object): unknown;
}

/** Where the first unserializable value sits, and what is wrong with it. */
export interface UnserializableFinding extends UnserializableValue {
  /** e.g. `value.items[3].callback`. */
  path: string;
}

/**
 * Walks `value` depth first and returns the first value the rules refuse, with its path.
 * Run only after a serializer failed: the success path never pays for it.
 *
 * @example
 * ```ts
 * findUnserializable({ items: [{ callback() {} }] }, rules)?.path; // "value.items[0].callback"
 * ```
 */
export function findUnserializable(
  value: unknown,
  rules: UnserializableRules,
): UnserializableFinding | undefined {
  const ancestors = new Map<object, string>();
  const clean = new WeakSet<object>();

  const visit = (node: unknown, path: string): UnserializableFinding | undefined => {
    const problem = rules.inspect(node);
    if (problem !== undefined) return { ...problem, path };
    if (typeof node !== "object" || node === null) return undefined;
    const seenAt = ancestors.get(node);
    if (seenAt !== undefined) {
      return rules.cyclesFail
        ? { kind: "cycle", problem: `is a circular reference to ${seenAt}`, path }
        : undefined;
    }
    if (clean.has(node)) return undefined;
    ancestors.set(node, path);
    const found = visitChildren(node, path);
    ancestors.delete(node);
    if (found === undefined) clean.add(node);
    return found;
  };

  const visitChildren = (node: object, path: string): UnserializableFinding | undefined => {
    const replacement = rules.substitute === undefined ? node : rules.substitute(node);
    if (replacement !== node) return visit(replacement, path);
    if (ArrayBuffer.isView(node) || node instanceof ArrayBuffer || node instanceof Date) return undefined;
    if (node instanceof RegExp || node instanceof URL) return undefined;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const found = visit(node[i], indexPath(path, i));
        if (found !== undefined) return found;
      }
      return undefined;
    }
    if (node instanceof Map) {
      let position = 0;
      for (const [key, entry] of node) {
        const found =
          visit(key, mapKeyPath(path, position)) ?? visit(entry, mapValuePath(path, key, position));
        if (found !== undefined) return found;
        position++;
      }
      return undefined;
    }
    if (node instanceof Set) {
      let position = 0;
      for (const element of node) {
        const found = visit(element, setElementPath(path, position++));
        if (found !== undefined) return found;
      }
      return undefined;
    }
    if (node instanceof Error) {
      const found = "cause" in node ? visit(node.cause, propertyPath(path, "cause")) : undefined;
      if (found !== undefined) return found;
      if (node instanceof AggregateError) {
        const errors = visit(node.errors, propertyPath(path, "errors"));
        if (errors !== undefined) return errors;
      }
    }
    for (const key of Object.keys(node)) {
      const found = visit((node as Record<string, unknown>)[key], propertyPath(path, key));
      if (found !== undefined) return found;
    }
    return undefined;
  };

  return visit(value, ROOT_PATH);
}
