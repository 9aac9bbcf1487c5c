import fs from "node:fs";
import { SecretKey } from "./secret-key.js";
import { SecretKeyError, SecretKeyErrorCode } from "./secret-key-error.js";
import { writeSecretKeyFile } from "./secret-key-file.js";
import type { SecretKeySource } from "./secret-key-source.js";

/** Options of {@link rotateSecretKey}. */
export interface RotateSecretKeyOptions {
  /** Where the current key is (and where a new key file goes). */
  source: SecretKeySource;
  /**
   * Re-encrypts every block document from one key to the other in one transaction
   * (e.g. `EmbeddedClient.reencryptBlockSecrets`); resolves to how many it rewrote.
   */
  reencrypt(from: SecretKey, to: SecretKey): Promise<number>;
  /** The new key. @default a new random key (required when the key comes from `CAIRN_SECRET_KEY`) */
  newKey?: SecretKey;
}

/** What {@link rotateSecretKey} did. */
export interface RotateSecretKeyResult {
  /** How many block documents were re-encrypted. */
  documents: number;
  oldFingerprint: string;
  newFingerprint: string;
  /** The key file now holding the new key; undefined when the key comes from `CAIRN_SECRET_KEY`. */
  keyFile?: string;
  /** Where the old key was kept (`secret.key.old`), in file mode. */
  backupFile?: string;
}

/**
 * Replaces the secret key of block secrets: re-encrypts every saved block under a new key
 * in one transaction, then installs the new key.
 *
 * With the key file: the new key is first written to `secret.key.new`; after the database
 * commit, the old key is kept as `secret.key.old` and `secret.key.new` is renamed to
 * `secret.key`. If the process dies between the commit and the rename, finish by hand with
 * `mv secret.key.new secret.key`. With `CAIRN_SECRET_KEY`: give `newKey`, and set
 * `CAIRN_SECRET_KEY` to it in every process afterwards.
 *
 * @example
 * ```ts
 * const result = await rotateSecretKey({
 *   source: SecretKeySource.fromSettings(settings),
 *   reencrypt: (from, to) => client.reencryptBlockSecrets(from, to),
 * });
 * ```
 */
export async function rotateSecretKey(options: RotateSecretKeyOptions): Promise<RotateSecretKeyResult> {
  const { source } = options;
  const from = source.current();
  if (from === undefined) {
    throw new SecretKeyError(
      SecretKeyErrorCode.Unavailable,
      `There is no secret key to rotate: ${source.describe()} does not exist (it is created when a block with ` +
        "secrets is first saved). Nothing was changed.",
    );
  }
  if (source.fromEnvironment && options.newKey === undefined) {
    throw new SecretKeyError(
      SecretKeyErrorCode.Unavailable,
      "The secret key comes from CAIRN_SECRET_KEY, so Cairn cannot install a new one itself: write a new key to a " +
        "file (openssl rand -base64 32 > new.key), run `cairn block rotate-key --new-key-file new.key`, then set " +
        "CAIRN_SECRET_KEY to that key everywhere. Nothing was changed.",
    );
  }
  const to = options.newKey ?? SecretKey.generate();
  if (to.fingerprint === from.fingerprint) {
    throw new SecretKeyError(SecretKeyErrorCode.Invalid, "The new secret key is the current key. Nothing was changed.");
  }
  const result: RotateSecretKeyResult = { documents: 0, oldFingerprint: from.fingerprint, newFingerprint: to.fingerprint };
  if (source.fromEnvironment) {
    result.documents = await options.reencrypt(from, to);
    return result;
  }
  const pending = `${source.file}.new`;
  const backup = `${source.file}.old`;
  writeSecretKeyFile(pending, to);
  try {
    result.documents = await options.reencrypt(from, to);
  } catch (err) {
    fs.rmSync(pending, { force: true });
    throw err;
  }
  writeSecretKeyFile(backup, from);
  fs.renameSync(pending, source.file);
  source.reload();
  return { ...result, keyFile: source.file, backupFile: backup };
}
