import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Writes a file atomically: the text goes to a temporary file in the same folder,
 * which is flushed to disk and then renamed over `file`. Readers see the old
 * content or the new one, never a mix. Creates missing parent folders (mode 0700).
 *
 * @example
 * ```ts
 * writeFileAtomicSync("/home/me/.cairn/profiles.toml", text, { mode: 0o600 });
 * ```
 */
export function writeFileAtomicSync(file: string, text: string, options: { mode?: number } = {}): void {
  const folder = path.dirname(file);
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const temporary = path.join(folder, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const fd = fs.openSync(temporary, "wx", options.mode ?? 0o666);
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
