import type { Kysely, Migration } from "kysely";

/**
 * The ids of applied write batches, so that a batch sent again (a client retrying a
 * request whose answer it never got, e.g. across a server restart) is not written twice.
 * A batch's id is recorded in the same transaction as its rows. Old ids are pruned.
 *
 * Written with Kysely's schema builder only, like `001-initial-schema`: it runs unchanged
 * on SQLite and PostgreSQL.
 *
 * @example
 * ```ts
 * CAIRN_MIGRATIONS["003-write-batches"] === writeBatchesSchema; // listed in migration-provider.ts
 * ```
 */
export const writeBatchesSchema: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("write_batch")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("applied", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("write_batch_applied_idx").on("write_batch").column("applied").execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("write_batch").execute();
  },
};
