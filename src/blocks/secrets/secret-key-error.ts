import { CairnError, type CairnErrorContext } from "../../errors/cairn-error.js";

/**
 * The stable codes of a {@link SecretKeyError}.
 *
 * @example
 * ```ts
 * if (isCairnError(err, SecretKeyErrorCode.Changed)) console.error("restore the old secret key");
 * ```
 */
export const SecretKeyErrorCode = {
  /** Secrets were encrypted with another key than the current one (or no key is found). */
  Changed: "SECRET_KEY_CHANGED",
  /** `CAIRN_SECRET_KEY` or the key file does not hold a valid key. */
  Invalid: "SECRET_KEY_INVALID",
  /** The key file cannot be read or created. */
  Unavailable: "SECRET_KEY_UNAVAILABLE",
  /** Encrypted secrets fail their integrity check under the right key (tampered or damaged). */
  Corrupted: "SECRETS_CORRUPTED",
} as const;

/** One of the {@link SecretKeyErrorCode} values. */
export type SecretKeyErrorCode = (typeof SecretKeyErrorCode)[keyof typeof SecretKeyErrorCode];

/**
 * Block secrets cannot be encrypted or decrypted: the secret key is missing, invalid or
 * not the one they were encrypted with. The message never contains a secret or the key.
 *
 * @example
 * ```ts
 * try { await S3.load("prod"); } catch (err) {
 *   if (err instanceof SecretKeyError && err.code === "SECRET_KEY_CHANGED") { ... }
 * }
 * ```
 */
export class SecretKeyError extends CairnError {
  declare readonly code: SecretKeyErrorCode;

  constructor(code: SecretKeyErrorCode, message: string, options: { cause?: unknown; context?: CairnErrorContext } = {}) {
    super(code, message, options);
  }
}
