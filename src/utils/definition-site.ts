import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where a flow or task was defined, read from the stack at definition time. */
export interface DefinitionSite {
  /** `file:line` of the call to `task()`/`flow()`, or undefined when unknown. */
  location: string | undefined;
  /** The variable the definition was assigned to (`const extractUser = task(...)`), if any. */
  variableName: string | undefined;
}

const sourceCache = new Map<string, string[] | null>();

/**
 * Finds the caller of `task()`/`flow()` (skipping `depth` frames inside Cairn) and reads
 * the name it assigns the result to. Used to name anonymous functions:
 * `const extractUser = task(async () => "Marvin")` is named `"extractUser"`.
 */
export function captureDefinitionSite(depth: number): DefinitionSite {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth + 2;
  Error.captureStackTrace(holder, captureDefinitionSite);
  Error.stackTraceLimit = limit;
  const frames = (holder.stack ?? "").split("\n").slice(1);
  const frame = frames[depth];
  const match = frame === undefined ? null : /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(frame);
  if (match === null) return { location: undefined, variableName: undefined };
  const [, file, line, column] = match as unknown as [string, string, string, string];
  const location = `${file}:${line}`;
  return { location, variableName: readAssignedName(file, Number(line), Number(column)) };
}

function readAssignedName(file: string, line: number, column: number): string | undefined {
  let lines = sourceCache.get(file);
  if (lines === undefined) {
    try {
      const path = file.startsWith("file://") ? fileURLToPath(file) : file;
      lines = readFileSync(path, "utf8").split("\n");
    } catch {
      lines = null;
    }
    sourceCache.set(file, lines);
  }
  const text = lines?.[line - 1];
  if (text === undefined) return undefined;
  const before = text.slice(0, Math.max(0, column - 1));
  const assigned = /(?:^|[\s;(,{])(?:(?:export\s+)?(?:const|let|var)\s+)?([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:await\s+)?$/.exec(before);
  return assigned?.[1];
}
