import { ConfigurationError } from "../errors/configuration-error.js";

function isUnmapped(x: unknown): x is { __unmapped: true; value: unknown } {
  return typeof x === "object" && x !== null && (x as { __unmapped?: unknown }).__unmapped === true;
}

/**
 * Zips the arguments of `task.map()` into one argument list per call. Iterables
 * (strings excepted) are mapped over and must all have the same length; `unmapped(x)`
 * and non-iterables are passed to every call.
 */
export function mapArguments(args: readonly unknown[]): unknown[][] {
  const columns = args.map((arg) => {
    if (isUnmapped(arg)) return { broadcast: true as const, value: arg.value };
    if (typeof arg !== "string" && arg !== null && typeof arg === "object" && Symbol.iterator in arg) {
      return { broadcast: false as const, values: [...(arg as Iterable<unknown>)] };
    }
    return { broadcast: true as const, value: arg };
  });
  const lengths = new Set(columns.flatMap((c) => (c.broadcast ? [] : [c.values.length])));
  if (lengths.size > 1) {
    throw new ConfigurationError(
      `task.map() got iterables of different lengths (${[...lengths].join(", ")}). ` +
        "Pass iterables of the same length, or wrap arguments that should be the same for every call in unmapped().",
    );
  }
  const length = lengths.size === 0 ? 0 : [...lengths][0]!;
  const calls: unknown[][] = [];
  for (let i = 0; i < length; i++) calls.push(columns.map((c) => (c.broadcast ? c.value : c.values[i])));
  return calls;
}
