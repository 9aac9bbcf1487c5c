import { createHash } from "node:crypto";
import { canonicalJson } from "../../results/blob/canonical-json.js";
import type { SecretKey } from "./secret-key.js";

/**
 * The hash that identifies a block configuration, so that an unsaved storage block is
 * saved anonymously once per distinct configuration (DESIGN §6), not once per run.
 *
 * It covers the block type and every field, secrets included. A configuration without
 * secrets is hashed with SHA-256 (`sha256:<hex>`); one with secrets with HMAC-SHA256
 * under a key derived from the secret key (`hmac-sha256:<hex>`), so the stored hash
 * cannot be used to guess a secret. Rotating the key recomputes the keyed hashes.
 *
 * @param key required when `hasSecrets` is true.
 *
 * @example
 * ```ts
 * blockConfigHash("local-file-system", { basepath: "/r", fsync: false }, false);
 * // "sha256:9c1f..."
 * ```
 */
export function blockConfigHash(
  blockTypeSlug: string,
  data: Readonly<Record<string, unknown>>,
  hasSecrets: boolean,
  key?: SecretKey,
): string {
  const text = canonicalJson({ type: blockTypeSlug, data });
  if (!hasSecrets) return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
  if (key === undefined) throw new Error("blockConfigHash needs the secret key to hash a configuration with secrets");
  return `hmac-sha256:${key.hmac(text)}`;
}
