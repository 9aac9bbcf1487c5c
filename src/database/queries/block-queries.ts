import type { Insertable, Kysely } from "kysely";
import type { BlockDocumentQuery } from "../../records/index.js";
import type { BlockDocumentTable, CairnDatabase } from "../schema.js";

/** A `block_document` row to insert. */
export type BlockDocumentInsert = Insertable<BlockDocumentTable>;

/** The fields an overwrite replaces (the id, name and creation time stay). */
export type BlockDocumentUpdate = Pick<BlockDocumentTable, "data" | "secrets" | "updated">;

/** The document `blockTypeSlug/name`. */
export function selectBlockDocument(db: Kysely<CairnDatabase>, blockTypeSlug: string, name: string) {
  return db
    .selectFrom("block_document")
    .selectAll()
    .where("block_type_slug", "=", blockTypeSlug)
    .where("name", "=", name);
}

/** The document with this id. */
export function selectBlockDocumentById(db: Kysely<CairnDatabase>, id: string) {
  return db.selectFrom("block_document").selectAll().where("id", "=", id);
}

/** The anonymous document of a configuration hash. */
export function selectBlockDocumentByConfigHash(db: Kysely<CairnDatabase>, configHash: string) {
  return db.selectFrom("block_document").selectAll().where("config_hash", "=", configHash);
}

/** Documents ordered by type and name, filtered as {@link BlockDocumentQuery} says. */
export function selectBlockDocuments(db: Kysely<CairnDatabase>, query: BlockDocumentQuery = {}) {
  let q = db.selectFrom("block_document").selectAll();
  if (query.blockTypeSlug !== undefined) q = q.where("block_type_slug", "=", query.blockTypeSlug);
  if (query.includeAnonymous !== true) q = q.where("is_anonymous", "=", 0);
  return q.orderBy("block_type_slug").orderBy("is_anonymous").orderBy("name");
}

/**
 * Inserts a document unless its slug (or, for an anonymous one, its configuration hash)
 * is taken; `numInsertedOrUpdatedRows` tells which happened. Portable: `ON CONFLICT DO
 * NOTHING` works on SQLite and PostgreSQL alike.
 */
export function insertBlockDocument(db: Kysely<CairnDatabase>, row: BlockDocumentInsert) {
  return db.insertInto("block_document").values(row).onConflict((oc) => oc.doNothing());
}

/** Replaces the fields of the document `blockTypeSlug/name`. */
export function updateBlockDocument(
  db: Kysely<CairnDatabase>,
  blockTypeSlug: string,
  name: string,
  update: BlockDocumentUpdate,
) {
  return db
    .updateTable("block_document")
    .set(update)
    .where("block_type_slug", "=", blockTypeSlug)
    .where("name", "=", name);
}

/** Deletes the document `blockTypeSlug/name`. */
export function deleteBlockDocument(db: Kysely<CairnDatabase>, blockTypeSlug: string, name: string) {
  return db.deleteFrom("block_document").where("block_type_slug", "=", blockTypeSlug).where("name", "=", name);
}

/** Every document that holds secrets or a configuration hash: what a key rotation rewrites. */
export function selectBlockDocumentsWithSecrets(db: Kysely<CairnDatabase>) {
  return db
    .selectFrom("block_document")
    .selectAll()
    .where((eb) => eb.or([eb("secrets", "is not", null), eb("config_hash", "like", "hmac-%")]))
    .orderBy("id");
}

/** Sets the encrypted secrets and configuration hash of one document (key rotation). */
export function updateBlockDocumentSecrets(
  db: Kysely<CairnDatabase>,
  id: string,
  update: Pick<BlockDocumentTable, "secrets" | "config_hash">,
) {
  return db.updateTable("block_document").set(update).where("id", "=", id);
}
