import { SecretKeyError, SecretKeyErrorCode } from "./secret-key-error.js";
import type { SecretKey } from "./secret-key.js";
import type { SecretKeySource } from "./secret-key-source.js";

/** The version of {@link SecretsEnvelope}. */
const ENVELOPE_VERSION = 1;

/**
 * The encrypted secret fields of one block document, as stored in its `secrets` column
 * (JSON text). Only `data` is encrypted: the field names and the key's fingerprint stay
 * readable, so listings can show `********` and a changed key is recognized as such.
 */
export interface SecretsEnvelope {
  v: typeof ENVELOPE_VERSION;
  alg: "AES-256-GCM";
  /** The fingerprint of the key that encrypted it. */
  kid: string;
  /** The names of the secret fields inside, sorted. */
  fields: string[];
  /** The 12-byte IV, base64. */
  iv: string;
  /** The 16-byte authentication tag, base64. */
  tag: string;
  /** The encrypted JSON object of the secret fields, base64. */
  data: string;
}

/** The block document whose secrets an envelope holds. */
export interface SecretsOwner {
  blockTypeSlug: string;
  name: string;
}

/** Authenticated with the ciphertext: ties it to the block type, its field names and the key. */
function additionalData(blockTypeSlug: string, fields: readonly string[], kid: string): string {
  return `cairn.block-secrets.v${ENVELOPE_VERSION}\u0000${blockTypeSlug}\u0000${fields.join(",")}\u0000${kid}`;
}

/**
 * Encrypts the secret fields of a block document into envelope text.
 *
 * @example
 * ```ts
 * const text = sealSecrets(key, "s3", { awsSecretAccessKey: "..." });
 * ```
 */
export function sealSecrets(key: SecretKey, blockTypeSlug: string, values: Readonly<Record<string, unknown>>): string {
  const fields = Object.keys(values).sort();
  const ordered = Object.fromEntries(fields.map((f) => [f, values[f]]));
  const sealed = key.encrypt(JSON.stringify(ordered), additionalData(blockTypeSlug, fields, key.fingerprint));
  const envelope: SecretsEnvelope = { v: ENVELOPE_VERSION, alg: "AES-256-GCM", kid: key.fingerprint, fields, ...sealed };
  return JSON.stringify(envelope);
}

/**
 * Reads envelope text without decrypting it.
 *
 * @throws {SecretKeyError} `SECRETS_CORRUPTED` when it is not an envelope.
 *
 * @example
 * ```ts
 * parseSecretsEnvelope(row.secrets, "s3/prod").fields; // ["awsSecretAccessKey"]
 * ```
 */
export function parseSecretsEnvelope(text: string, label: string): SecretsEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw corrupted(label, "they are not valid JSON", err);
  }
  const e = parsed as Partial<SecretsEnvelope> | null;
  const ok =
    e !== null && typeof e === "object" && e.v === ENVELOPE_VERSION && typeof e.kid === "string" &&
    Array.isArray(e.fields) && e.fields.every((f) => typeof f === "string") &&
    typeof e.iv === "string" && typeof e.tag === "string" && typeof e.data === "string";
  if (!ok) throw corrupted(label, `they are not a version-${ENVELOPE_VERSION} secrets envelope`);
  return e as SecretsEnvelope;
}

/**
 * Decrypts envelope text with the key of `source` (read again once when the fingerprints
 * differ, in case another process rotated it).
 *
 * @param block the block document the secrets belong to (its type is authenticated; both name it in errors).
 * @throws {SecretKeyError} `SECRET_KEY_CHANGED` when the key is missing or another one,
 *   `SECRETS_CORRUPTED` when the data fails authentication under the right key.
 *
 * @example
 * ```ts
 * const secrets = openSecrets(source, row.secrets, { blockTypeSlug: "s3", name: "prod" }); // { awsSecretAccessKey: "..." }
 * ```
 */
export function openSecrets(source: SecretKeySource, text: string, block: SecretsOwner): Record<string, unknown> {
  const label = `${block.blockTypeSlug}/${block.name}`;
  const envelope = parseSecretsEnvelope(text, label);
  let key = source.current();
  if (key?.fingerprint !== envelope.kid) {
    source.reload();
    key = source.current();
  }
  if (key === undefined || key.fingerprint !== envelope.kid) throw keyChanged(source, envelope.kid, label, key);
  let plaintext: string;
  try {
    plaintext = key.decrypt(envelope, additionalData(block.blockTypeSlug, envelope.fields, envelope.kid));
  } catch (err) {
    throw corrupted(label, "they fail their integrity check under the right key (tampered with or damaged)", err);
  }
  return JSON.parse(plaintext) as Record<string, unknown>;
}

/**
 * Decrypts with `from` and encrypts again with `to` (key rotation).
 *
 * @example
 * ```ts
 * const rotated = resealSecrets(text, oldKey, newKey, { blockTypeSlug: "s3", name: "prod" });
 * ```
 */
export function resealSecrets(text: string, from: SecretKey, to: SecretKey, block: SecretsOwner): string {
  const { blockTypeSlug } = block;
  const label = `${blockTypeSlug}/${block.name}`;
  const envelope = parseSecretsEnvelope(text, label);
  if (envelope.kid === to.fingerprint) return text;
  if (envelope.kid !== from.fingerprint) {
    throw new SecretKeyError(
      SecretKeyErrorCode.Changed,
      `Cannot rotate the secrets of block ${label}: they were encrypted with the key ${envelope.kid}, ` +
        `which is neither the current key (${from.fingerprint}) nor the new one. Nothing was changed. ` +
        "Restore that key, or delete the block or save it again with its secrets, then rotate.",
      { context: { block: label, keyFingerprint: envelope.kid } },
    );
  }
  let plaintext: string;
  try {
    plaintext = from.decrypt(envelope, additionalData(blockTypeSlug, envelope.fields, envelope.kid));
  } catch (err) {
    throw corrupted(label, "they fail their integrity check under the right key (tampered with or damaged)", err);
  }
  return sealSecrets(to, blockTypeSlug, JSON.parse(plaintext) as Record<string, unknown>);
}

function keyChanged(source: SecretKeySource, kid: string, label: string, key: SecretKey | undefined): SecretKeyError {
  const now =
    key === undefined
      ? `${source.describe()} does not exist`
      : `${source.describe()} holds another key (fingerprint ${key.fingerprint})`;
  return new SecretKeyError(
    SecretKeyErrorCode.Changed,
    `Cannot decrypt the secrets of block ${label}: the secret key changed. They were encrypted with the key ` +
      `whose fingerprint is ${kid}, but ${now}. Restore the original key (a backup of secret.key, or the ` +
      "CAIRN_SECRET_KEY used when the block was saved), or save the block again with its secrets " +
      "(save(name, { overwrite: true })). See docs/blocks.md, section \"The secret key\".",
    { context: { block: label, keyFingerprint: kid, currentKeyFingerprint: key?.fingerprint } },
  );
}

function corrupted(label: string, why: string, cause?: unknown): SecretKeyError {
  return new SecretKeyError(
    SecretKeyErrorCode.Corrupted,
    `Cannot decrypt the secrets of block ${label}: ${why}. Save the block again with its secrets ` +
      "(save(name, { overwrite: true })).",
    { cause, context: { block: label } },
  );
}
