import type { Kysely, Migration } from "kysely";

/**
 * Saved block documents (DESIGN §6): one row per saved storage block, named or anonymous.
 *
 * Written with Kysely's schema builder only, like `001-initial-schema`, so it runs unchanged
 * on SQLite and PostgreSQL. Secret fields are stored encrypted in `secrets` (see
 * `docs/blocks.md`); the key is never in the database. `is_anonymous` is an integer (0/1)
 * rather than a boolean so both dialects read it back the same way.
 */
export const blocksSchema: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("block_document")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("block_type_slug", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("secrets", "text")
      .addColumn("is_anonymous", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("config_hash", "text")
      .addColumn("created", "text", (c) => c.notNull())
      .addColumn("updated", "text", (c) => c.notNull())
      .execute();
    // A slug names one document; an anonymous configuration is saved once (NULLs never clash).
    await db.schema
      .createIndex("block_document_slug_key")
      .on("block_document")
      .columns(["block_type_slug", "name"])
      .unique()
      .execute();
    await db.schema.createIndex("block_document_config_hash_key").on("block_document").column("config_hash").unique().execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("block_document").execute();
  },
};
