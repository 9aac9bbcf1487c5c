/** Binds positional arguments to parameter names (extra arguments get their position as name). */
export function bindParameters(names: readonly string[], args: readonly unknown[]): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) parameters[names[i] ?? String(i)] = args[i];
  return parameters;
}

const MAX_PARAMETER_CHARS = 2_000;

/**
 * JSON text of a run's parameters for the metadata store. Values JSON cannot hold are
 * summarised (`"<function>"`, `"<Map(3)>"`), and long values are cut: the store keeps
 * metadata, never bulk data.
 */
export function parametersJson(parameters: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) out[key] = summarise(value);
  return JSON.stringify(out);
}

function summarise(value: unknown): unknown {
  switch (typeof value) {
    case "function": return "<function>";
    case "symbol": return `<${String(value)}>`;
    case "bigint": return `${value}n`;
    case "undefined": return null;
    case "object": {
      if (value === null || value instanceof Date) return value;
      if (value instanceof Map) return `<Map(${value.size})>`;
      if (value instanceof Set) return `<Set(${value.size})>`;
      if (ArrayBuffer.isView(value)) return `<${value.constructor.name}(${value.byteLength} bytes)>`;
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch {
        return `<${value.constructor?.name ?? "object"}>`;
      }
      if (text === undefined) return null;
      if (text.length > MAX_PARAMETER_CHARS) {
        return Array.isArray(value) ? `<Array(${value.length}) truncated>` : `<${value.constructor?.name ?? "Object"} truncated>`;
      }
      return value;
    }
    case "string":
      return value.length > MAX_PARAMETER_CHARS ? `${value.slice(0, MAX_PARAMETER_CHARS)}... (${value.length} chars)` : value;
    default:
      return value;
  }
}
