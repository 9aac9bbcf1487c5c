/**
 * Best-effort names of a function's parameters, read from its source text.
 *
 * TypeScript erases parameter names from types, so Cairn reads them from the compiled
 * function: `(user, n) => ...` gives `["user", "n"]`. A destructured or rest parameter
 * is named by its position (`"0"`, `"1"`, ...), and so is every parameter when the
 * source cannot be read (native or bound functions).
 */
export function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const source = Function.prototype.toString.call(fn);
  const list = parameterListText(source);
  if (list === undefined) return [];
  return splitTopLevel(list)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part, index) => {
      const match = /^([A-Za-z_$][\w$]*)\s*(?:=|$)/.exec(part);
      return match?.[1] ?? String(index);
    });
}

function parameterListText(source: string): string | undefined {
  const prefix = /^(?:async\s+)?(?:function\s*\*?\s*[\w$]*\s*)?/.exec(source)?.[0] ?? "";
  let rest = source.slice(prefix.length).trimStart();
  // Method shorthand, e.g. `run(a, b) { ... }`.
  const method = /^(?:async\s+)?\*?\s*[\w$]+\s*(?=\()/.exec(rest);
  if (method !== null && prefix === "") rest = rest.slice(method[0].length);
  if (!rest.startsWith("(")) {
    const single = /^([A-Za-z_$][\w$]*)\s*=>/.exec(rest);
    return single?.[1];
  }
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return rest.slice(1, i);
    } else if (ch === '"' || ch === "'" || ch === "`") {
      i = skipString(rest, i);
    }
  }
  return undefined;
}

function skipString(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (let i = 0; i < list.length; i++) {
    const ch = list[i]!;
    if (ch === '"' || ch === "'" || ch === "`") {
      const end = skipString(list, i);
      current += list.slice(i, end + 1);
      i = end;
      continue;
    }
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    if (ch === ")" || ch === "]" || ch === "}") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}
