/** What {@link scanValue} found. */
export interface ValueScan {
  /** An object is reached twice (a shared reference or a cycle): msgpack must track references. */
  shared: boolean;
  /** There is a -0, an Error or a URL, which msgpackr's structured clone would change. */
  rich: boolean;
}

/** Past this depth the rich-only scan keeps a visited set (cycles are infinitely deep). */
const SEEN_DEPTH = 24;
/** Visits before the rich-only scan switches to a visited set for everything (heavily shared graphs). */
const VISIT_BUDGET = 2_000_000;

class BudgetExceeded extends Error {}
class Found extends Error {}

/**
 * Scans a value before msgpack encoding. Most values have no shared references and nothing
 * structured clone would change; they are written without reference tracking, which is
 * several times faster for large object graphs. Stops as early as the answer is known.
 */
export function scanValue(root: unknown): ValueScan {
  const seen = new Set<object>();
  let rich = false;

  const visit = (value: unknown): void => {
    if (typeof value === "number") {
      if (value === 0 && 1 / value < 0) {
        rich = true;
        throw new Found();
      }
      return;
    }
    if (typeof value !== "object" || value === null) return;
    const size = seen.size;
    if (seen.add(value).size === size) throw new Found(); // one hash lookup instead of has + add
    const ctor = (value as { constructor?: unknown }).constructor;
    if (ctor === Array) {
      const array = value as unknown[];
      for (let i = 0; i < array.length; i++) visit(array[i]);
      return;
    }
    if (ctor === Object || ctor === undefined) {
      for (const key in value) visit((value as Record<string, unknown>)[key]);
      return;
    }
    if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof ArrayBuffer) return;
    if (value instanceof Error || value instanceof URL) {
      rich = true;
      throw new Found();
    }
    if (value instanceof Map) {
      for (const [k, v] of value) {
        visit(k);
        visit(v);
      }
      return;
    }
    if (value instanceof Set) {
      for (const v of value) visit(v);
      return;
    }
    if (value instanceof RegExp || typeof (value as { toJSON?: unknown }).toJSON === "function") return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i]);
      return;
    }
    for (const key in value) visit((value as Record<string, unknown>)[key]);
  };

  try {
    visit(root);
    return { shared: false, rich: false };
  } catch (err) {
    if (!(err instanceof Found)) throw err;
  }
  // Found a rich value: the rich copy tells whether there is sharing. Found sharing: is there
  // a rich value anywhere?
  return rich ? { shared: false, rich: true } : { shared: true, rich: hasRichValue(root) };
}

/** True when `value` holds a -0, an Error or a URL; a scan that tolerates shared graphs. */
export function hasRichValue(value: unknown): boolean {
  try {
    return scanRich(value, SEEN_DEPTH);
  } catch (err) {
    if (!(err instanceof BudgetExceeded)) throw err;
    return scanRich(value, 0);
  }
}

/** Depth-first search for a rich value; keeps a visited set from `seenDepth` on (0: always). */
function scanRich(root: unknown, seenDepth: number): boolean {
  let visits = 0;
  let seen: Set<object> | undefined;
  const budgeted = seenDepth > 0;

  const visit = (value: unknown, depth: number): boolean => {
    if (typeof value === "number") return value === 0 && 1 / value < 0;
    if (typeof value !== "object" || value === null) return false;
    if (budgeted && ++visits > VISIT_BUDGET) throw new BudgetExceeded();
    if (depth >= seenDepth) {
      seen ??= new Set();
      if (seen.has(value)) return false;
      seen.add(value);
    }
    const ctor = (value as { constructor?: unknown }).constructor;
    if (ctor === Array) {
      const array = value as unknown[];
      for (let i = 0; i < array.length; i++) if (visit(array[i], depth + 1)) return true;
      return false;
    }
    if (ctor === Object || ctor === undefined) return visitProperties(value, depth);
    if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof ArrayBuffer) return false;
    if (value instanceof Error || value instanceof URL) return true;
    if (value instanceof Map) {
      for (const [k, v] of value) if (visit(k, depth + 1) || visit(v, depth + 1)) return true;
      return false;
    }
    if (value instanceof Set) {
      for (const v of value) if (visit(v, depth + 1)) return true;
      return false;
    }
    if (value instanceof RegExp) return false;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (visit(value[i], depth + 1)) return true;
      return false;
    }
    if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
    return visitProperties(value, depth);
  };

  const visitProperties = (value: object, depth: number): boolean => {
    for (const key in value) {
      if (visit((value as Record<string, unknown>)[key], depth + 1)) return true;
    }
    return false;
  };

  return visit(root, 0);
}

