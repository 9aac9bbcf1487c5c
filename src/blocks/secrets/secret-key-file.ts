import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomicSync } from "../../settings/index.js";
import { SecretKey } from "./secret-key.js";
import { SecretKeyError, SecretKeyErrorCode } from "./secret-key-error.js";

/** The name of the key file in `CAIRN_HOME`. */
export const SECRET_KEY_FILE_NAME = "secret.key";

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function unavailable(file: string, action: string, err: unknown): SecretKeyError {
  const reason = err instanceof Error ? err.message : String(err);
  return new SecretKeyError(
    SecretKeyErrorCode.Unavailable,
    `Could not ${action} the secret key file ${file} (${reason}). Check that the folder exists and is writable ` +
      "by this user, or set CAIRN_SECRET_KEY instead (see docs/blocks.md).",
    { cause: err, context: { file } },
  );
}

/**
 * Reads the key in `file`; undefined when the file does not exist.
 *
 * @throws {SecretKeyError} when the file cannot be read or does not hold a key.
 *
 * @example
 * ```ts
 * const key = readSecretKeyFile(join(home, "secret.key"));
 * ```
 */
export function readSecretKeyFile(file: string): SecretKey | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if (errorCode(err) === "ENOENT") return undefined;
    throw unavailable(file, "read", err);
  }
  return SecretKey.fromBase64(text, `The secret key file ${file}`);
}

/**
 * Reads the key in `file`, or creates the file with a new random key (mode 0600, in a
 * folder created with mode 0700). Safe when several processes do it at once: the file
 * appears complete or not at all, and they all end up with the same key.
 *
 * @example
 * ```ts
 * const key = readOrCreateSecretKeyFile(join(home, "secret.key"));
 * ```
 */
export function readOrCreateSecretKeyFile(file: string): SecretKey {
  const existing = readSecretKeyFile(file);
  if (existing !== undefined) return existing;
  const key = SecretKey.generate();
  const folder = path.dirname(file);
  const temporary = path.join(folder, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    fs.writeFileSync(temporary, `${key.toBase64()}\n`, { mode: 0o600, flag: "wx" });
    try {
      fs.linkSync(temporary, file); // fails with EEXIST when another process created it first
    } catch (err) {
      if (errorCode(err) !== "EEXIST") throw err;
      const other = readSecretKeyFile(file);
      if (other !== undefined) return other;
      throw err;
    }
    return key;
  } catch (err) {
    if (err instanceof SecretKeyError) throw err;
    throw unavailable(file, "create", err);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Replaces the key in `file` atomically (mode 0600).
 *
 * @example
 * ```ts
 * writeSecretKeyFile(join(home, "secret.key"), SecretKey.generate());
 * ```
 */
export function writeSecretKeyFile(file: string, key: SecretKey): void {
  try {
    writeFileAtomicSync(file, `${key.toBase64()}\n`, { mode: 0o600 });
  } catch (err) {
    throw unavailable(file, "write", err);
  }
}
