import { lstat, opendir } from "node:fs/promises";
import { join } from "node:path";
import type { StoredPathInfo } from "../writable-file-system.js";
import { TEMP_FILE_PATTERN } from "./atomic-write.js";
import { osErrorCode } from "./fs-error.js";

/**
 * Lists the regular files under `dir` (whose key is `dirKey`, `""` for the base) whose
 * key starts with `prefix`, depth first. Skips temporary files of unfinished writes (or,
 * with `kind: "temporary"`, lists only those) and symbolic links (never followed, so the
 * walk stays inside the base). A directory that vanishes during the walk is skipped.
 *
 * @example
 * ```ts
 * for await (const f of listFiles("/data/results", "", "flows/")) console.log(f.path, f.size);
 * ```
 */
export async function* listFiles(
  dir: string,
  dirKey: string,
  prefix: string,
  kind: "results" | "temporary" = "results",
): AsyncGenerator<StoredPathInfo> {
  let handle;
  try {
    handle = await opendir(dir, { bufferSize: 256 });
  } catch (err) {
    const code = osErrorCode(err);
    if (code === "ENOENT" || code === "ENOTDIR") return;
    throw err;
  }
  for await (const entry of handle) {
    const key = dirKey === "" ? entry.name : `${dirKey}/${entry.name}`;
    if (entry.isDirectory()) {
      const asDir = `${key}/`;
      if (asDir.startsWith(prefix) || prefix.startsWith(asDir)) {
        yield* listFiles(join(dir, entry.name), key, prefix, kind);
      }
    } else if (entry.isFile() && key.startsWith(prefix) && TEMP_FILE_PATTERN.test(entry.name) === (kind === "temporary")) {
      try {
        const stats = await lstat(join(dir, entry.name));
        yield { path: key, size: stats.size, modifiedAt: stats.mtime };
      } catch (err) {
        if (osErrorCode(err) !== "ENOENT") throw err; // deleted meanwhile
      }
    }
  }
}
