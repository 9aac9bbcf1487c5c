import path from "node:path";
import type { Settings } from "../../settings/index.js";
import { SecretKey } from "./secret-key.js";
import { readOrCreateSecretKeyFile, readSecretKeyFile, SECRET_KEY_FILE_NAME } from "./secret-key-file.js";

/** Options of {@link SecretKeySource}. */
export interface SecretKeySourceOptions {
  /** The key file, created on first use when {@link SecretKeySourceOptions.value} is not given. */
  file: string;
  /** A base64 key that overrides the file (the `CAIRN_SECRET_KEY` setting). */
  value?: string | undefined;
}

/**
 * Where the secret key of block secrets comes from: the `CAIRN_SECRET_KEY` setting when it
 * is set, else the key file `$CAIRN_HOME/secret.key`, created (mode 0600) the first time a
 * secret is encrypted. The key is read once and kept; {@link SecretKeySource.reload}
 * reads it again (after a rotation by another process).
 *
 * @example
 * ```ts
 * const source = SecretKeySource.fromSettings(loadSettings());
 * source.current();         // the key, or undefined when there is none yet
 * source.currentOrCreate(); // the key, creating secret.key if needed
 * ```
 */
export class SecretKeySource {
  /** The key file (used when no value is given). */
  readonly file: string;
  readonly #value: string | undefined;
  #key: SecretKey | undefined;

  constructor(options: SecretKeySourceOptions) {
    this.file = options.file;
    this.#value = options.value === undefined || options.value.trim() === "" ? undefined : options.value;
  }

  /**
   * The source the settings select: `CAIRN_SECRET_KEY`, else `$CAIRN_HOME/secret.key`.
   *
   * @example
   * ```ts
   * const source = SecretKeySource.fromSettings(engine.settings);
   * ```
   */
  static fromSettings(settings: Settings): SecretKeySource {
    return new SecretKeySource({
      file: path.join(settings.home, SECRET_KEY_FILE_NAME),
      value: settings.get("CAIRN_SECRET_KEY"),
    });
  }

  /** True when the key comes from `CAIRN_SECRET_KEY` rather than the file. */
  get fromEnvironment(): boolean {
    return this.#value !== undefined;
  }

  /** Where the key is, for messages: `CAIRN_SECRET_KEY` or the file's path. */
  describe(): string {
    return this.#value !== undefined ? "the CAIRN_SECRET_KEY setting" : `the key file ${this.file}`;
  }

  /** The current key, or undefined when the key file does not exist (never creates it). */
  current(): SecretKey | undefined {
    if (this.#key !== undefined) return this.#key;
    this.#key = this.#value !== undefined ? SecretKey.fromBase64(this.#value, "CAIRN_SECRET_KEY") : readSecretKeyFile(this.file);
    return this.#key;
  }

  /** The current key; creates the key file with a new key when there is none. */
  currentOrCreate(): SecretKey {
    this.#key ??= this.current() ?? readOrCreateSecretKeyFile(this.file);
    return this.#key;
  }

  /** Forgets the kept key, so the next call reads it again; returns true when it changed. */
  reload(): boolean {
    const before = this.#key?.fingerprint;
    this.#key = undefined;
    return this.current()?.fingerprint !== before;
  }
}
