import type { Kysely } from "kysely";
import type { CairnDatabase } from "../schema.js";

/**
 * Records that the batch `id` is applied, unless it already is: the statement inserts no
 * row for an id seen before (`ON CONFLICT DO NOTHING`, portable to SQLite and PostgreSQL).
 *
 * @example
 * ```ts
 * const { numInsertedOrUpdatedRows } = await insertBatchId(trx, batchId, new Date().toISOString()).executeTakeFirst();
 * ```
 */
export function insertBatchId(db: Kysely<CairnDatabase>, id: string, applied: string) {
  return db.insertInto("write_batch").values({ id, applied }).onConflict((oc) => oc.column("id").doNothing());
}

/**
 * Forgets the batch ids applied before `before` (ISO text).
 *
 * @example
 * ```ts
 * await deleteBatchIdsBefore(db, new Date(Date.now() - 7 * 86400_000).toISOString()).execute();
 * ```
 */
export function deleteBatchIdsBefore(db: Kysely<CairnDatabase>, before: string) {
  return db.deleteFrom("write_batch").where("applied", "<", before);
}
