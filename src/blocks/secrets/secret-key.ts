import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { SecretKeyError, SecretKeyErrorCode } from "./secret-key-error.js";

/** The length of a secret key, in bytes (AES-256). */
export const SECRET_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What {@link SecretKey.encrypt} returns: base64 fields of an AES-256-GCM message. */
export interface SealedBytes {
  iv: string;
  tag: string;
  data: string;
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), info, SECRET_KEY_BYTES));
}

/**
 * The key that block secrets are encrypted with (AES-256-GCM, via `node:crypto`), kept
 * outside the database: in `$CAIRN_HOME/secret.key` or in `CAIRN_SECRET_KEY`.
 *
 * The 32 stored bytes are a master key: the encryption key, the key of configuration
 * hashes and the public {@link SecretKey.fingerprint} are derived from it with HKDF, so
 * none of them reveals another. The key never shows itself in strings, JSON or `inspect`.
 *
 * @example
 * ```ts
 * const key = SecretKey.generate();
 * const sealed = key.encrypt("s3cr3t", "aad");
 * key.decrypt(sealed, "aad"); // "s3cr3t"
 * ```
 */
export class SecretKey {
  /** A public, stable name of the key (16 hex characters), recorded next to what it encrypted. */
  readonly fingerprint: string;
  readonly #master: Buffer;
  readonly #encryption: Buffer;
  readonly #hashing: Buffer;

  constructor(bytes: Uint8Array) {
    if (bytes.byteLength !== SECRET_KEY_BYTES) {
      throw new SecretKeyError(
        SecretKeyErrorCode.Invalid,
        `A secret key must be ${SECRET_KEY_BYTES} bytes, got ${bytes.byteLength}.`,
      );
    }
    this.#master = Buffer.from(bytes);
    this.#encryption = derive(this.#master, "cairn block secrets v1");
    this.#hashing = derive(this.#master, "cairn block configuration hash v1");
    this.fingerprint = createHash("sha256").update(derive(this.#master, "cairn key fingerprint v1")).digest("hex").slice(0, 16);
  }

  /**
   * A new random key.
   *
   * @example
   * ```ts
   * const key = SecretKey.generate();
   * ```
   */
  static generate(): SecretKey {
    return new SecretKey(randomBytes(SECRET_KEY_BYTES));
  }

  /**
   * Reads a key from its base64 text (as `secret.key` and `CAIRN_SECRET_KEY` hold it).
   *
   * @param origin where the text comes from, for the error message.
   * @throws {SecretKeyError} `SECRET_KEY_INVALID` when it is not 32 bytes of base64.
   *
   * @example
   * ```ts
   * SecretKey.fromBase64(process.env.CAIRN_SECRET_KEY ?? "", "CAIRN_SECRET_KEY");
   * ```
   */
  static fromBase64(text: string, origin: string): SecretKey {
    const trimmed = text.trim();
    const bytes = Buffer.from(trimmed, "base64");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || bytes.byteLength !== SECRET_KEY_BYTES) {
      throw new SecretKeyError(
        SecretKeyErrorCode.Invalid,
        `${origin} does not hold a valid secret key: expected ${SECRET_KEY_BYTES} random bytes in base64 ` +
          "(44 characters), such as the output of `openssl rand -base64 32`.",
        { context: { origin } },
      );
    }
    return new SecretKey(bytes);
  }

  /** The key as base64 text (what `secret.key` holds). Handle with care. */
  toBase64(): string {
    return this.#master.toString("base64");
  }

  /**
   * Encrypts `plaintext` with a fresh random IV; `aad` is authenticated, not encrypted.
   *
   * @example
   * ```ts
   * const sealed = key.encrypt(JSON.stringify(secrets), "s3");
   * ```
   */
  encrypt(plaintext: string, aad: string): SealedBytes {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#encryption, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return { iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") };
  }

  /**
   * Decrypts what {@link SecretKey.encrypt} returned, with the same `aad`.
   *
   * @throws {Error} from `node:crypto` when authentication fails (wrong key, wrong aad, damaged data).
   */
  decrypt(sealed: SealedBytes, aad: string): string {
    const tag = Buffer.from(sealed.tag, "base64");
    if (tag.byteLength !== TAG_BYTES) throw new Error(`the authentication tag is ${tag.byteLength} bytes, not ${TAG_BYTES}`);
    const decipher = createDecipheriv("aes-256-gcm", this.#encryption, Buffer.from(sealed.iv, "base64"), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]).toString("utf8");
  }

  /**
   * A keyed hash (HMAC-SHA256, hex) of `text`: equal texts give equal hashes under one key,
   * and the hash reveals nothing about the text to someone without the key.
   *
   * @example
   * ```ts
   * key.hmac('{"bucketPath":"b","awsSecretAccessKey":"..."}');
   * ```
   */
  hmac(text: string): string {
    return createHmac("sha256", this.#hashing).update(text, "utf8").digest("hex");
  }

  /** `SecretKey(<fingerprint>)`: never the key. */
  toString(): string {
    return `SecretKey(${this.fingerprint})`;
  }

  /** `{ fingerprint }`: never the key. */
  toJSON(): { fingerprint: string } {
    return { fingerprint: this.fingerprint };
  }

  /** `SecretKey(<fingerprint>)`, for `console.log`. */
  [inspect.custom](): string {
    return this.toString();
  }
}
