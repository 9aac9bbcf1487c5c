import os from "node:os";
import path from "node:path";

/**
 * Expands a leading `~` to the user's home directory and resolves the path against `cwd`.
 *
 * @example
 * ```ts
 * resolveUserPath("~/data", "/work");   // "/home/me/data"
 * resolveUserPath("results", "/work");  // "/work/results"
 * ```
 */
export function resolveUserPath(value: string, cwd: string): string {
  if (value === "~") return os.homedir();
  if (value.startsWith("~/") || value.startsWith("~\\")) {
    return path.join(os.homedir(), value.slice(2));
  }
  return path.resolve(cwd, value);
}
