import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The version of the running Cairn package, read once from its `package.json` (found by
 * walking up from this module, so it works from `src/` and from `dist/`).
 * `"0.0.0-unknown"` when the file cannot be found.
 *
 * @example
 * ```ts
 * cairnVersion(); // "0.1.0"
 * ```
 */
export function cairnVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "cairn" && typeof pkg.version === "string") return (cached = pkg.version);
    } catch {
      // not here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return (cached = "0.0.0-unknown");
}
