import type { Kysely } from "kysely";
import { selectBlockDocumentsWithSecrets, updateBlockDocumentSecrets } from "../../database/queries/block-queries.js";
import type { CairnDatabase } from "../../database/schema.js";
import { blockConfigHash } from "./config-hash.js";
import type { SecretKey } from "./secret-key.js";
import { openSecrets, resealSecrets } from "./secrets-envelope.js";
import { SecretKeySource } from "./secret-key-source.js";

/**
 * Re-encrypts the secrets of every block document from key `from` to key `to`, and
 * recomputes the keyed configuration hashes of anonymous documents. Run it inside one
 * transaction (the caller's): on any error nothing must be written. Secrets already
 * under `to` are left as they are, so running it again is harmless.
 *
 * @returns how many documents were rewritten.
 *
 * @example
 * ```ts
 * await reencryptBlockSecrets(trx, currentKey, SecretKey.generate());
 * ```
 */
export async function reencryptBlockSecrets(db: Kysely<CairnDatabase>, from: SecretKey, to: SecretKey): Promise<number> {
  const rows = await selectBlockDocumentsWithSecrets(db).execute();
  const toSource = new SecretKeySource({ file: "", value: to.toBase64() });
  let rewritten = 0;
  for (const row of rows) {
    const owner = { blockTypeSlug: row.block_type_slug, name: row.name };
    const secrets = row.secrets === null ? null : resealSecrets(row.secrets, from, to, owner);
    let configHash = row.config_hash;
    if (configHash !== null && configHash.startsWith("hmac-") && secrets !== null) {
      const all = { ...(JSON.parse(row.data) as Record<string, unknown>), ...openSecrets(toSource, secrets, owner) };
      configHash = blockConfigHash(row.block_type_slug, all, true, to);
    }
    if (secrets === row.secrets && configHash === row.config_hash) continue;
    await updateBlockDocumentSecrets(db, row.id, { secrets, config_hash: configHash }).execute();
    rewritten++;
  }
  return rewritten;
}
