import { homedir } from "node:os";
import { resolve } from "node:path";
import { ConfigurationError } from "../../errors/configuration-error.js";

/**
 * Makes a `basepath` absolute: a leading `~` (alone or followed by `/`) is the user's
 * home directory; a relative path is relative to the current working directory.
 * `~user` forms are not expanded.
 *
 * @example
 * ```ts
 * resolveBasepath("~/results");   // "/home/me/results"
 * resolveBasepath(".cairn-results"); // "<cwd>/.cairn-results"
 * ```
 */
export function resolveBasepath(basepath: unknown): string {
  if (typeof basepath !== "string" || basepath.trim() === "") {
    throw new ConfigurationError(
      `LocalFileSystem needs a basepath (a directory for results), got ${JSON.stringify(basepath) ?? String(basepath)}. ` +
        `Pass new LocalFileSystem({ basepath: ".cairn-results" }) or an absolute path.`,
    );
  }
  if (basepath.includes("\0")) {
    throw new ConfigurationError(`LocalFileSystem basepath ${JSON.stringify(basepath)} contains a NUL byte.`);
  }
  if (basepath === "~") return homedir();
  if (basepath.startsWith("~/") || basepath.startsWith("~\\")) return resolve(homedir(), basepath.slice(2));
  return resolve(basepath);
}
