import { PostgresAdapter, sql, type Kysely } from "kysely";
import type { CairnDatabase } from "../../database/schema.js";
import { reencryptBlockSecrets } from "./reencrypt-block-secrets.js";
import type { SecretKey } from "./secret-key.js";

/**
 * Runs {@link reencryptBlockSecrets} in one transaction of its own, on any database Kysely
 * speaks, holding the write lock from its first statement so that a concurrent save or a
 * second rotation waits instead of interleaving: on PostgreSQL `LOCK TABLE block_document
 * IN SHARE ROW EXCLUSIVE MODE` (other processes' saves wait until the commit), on SQLite a
 * write statement first (the transaction takes the database's write lock at once, waiting
 * for the busy timeout, rather than failing on upgrade from read to write).
 *
 * @returns how many documents were rewritten.
 *
 * @example
 * ```ts
 * await reencryptInTransaction(service.db, currentKey, SecretKey.generate());
 * ```
 */
export async function reencryptInTransaction(db: Kysely<CairnDatabase>, from: SecretKey, to: SecretKey): Promise<number> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return db.transaction().execute(async (trx) => {
    if (postgres) await sql`lock table block_document in share row exclusive mode`.execute(trx);
    else await sql`update block_document set id = id where 0 = 1`.execute(trx);
    return reencryptBlockSecrets(trx, from, to);
  });
}
