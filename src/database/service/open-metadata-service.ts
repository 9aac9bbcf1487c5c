import { BlockDocumentStore } from "../../blocks/block-document-store.js";
import type { SecretKeySource } from "../../blocks/secrets/secret-key-source.js";
import { sql } from "kysely";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { parseDatabaseUrl, redactUrlPassword } from "../../settings/index.js";
import { migrateToLatest } from "../migrate-to-latest.js";
import { createPostgresKysely } from "../postgres/create-postgres-kysely.js";
import { PostgresMetadataWriter } from "../postgres/postgres-metadata-writer.js";
import { createSqliteDatabase } from "../sqlite/create-sqlite-database.js";
import { createSqliteKysely } from "../sqlite/create-sqlite-kysely.js";
import { migrateSqliteDatabase } from "../sqlite/migrate-sqlite-database.js";
import { SqliteMetadataWriter } from "../sqlite/sqlite-metadata-writer.js";
import { MetadataService } from "./metadata-service.js";

/** Options of {@link openMetadataService}. */
export interface OpenMetadataServiceOptions {
  /**
   * The database, as `CAIRN_API_DATABASE_URL` gives it (normalized by the settings):
   * `sqlite:///<absolute path>` or `postgresql://...`.
   */
  databaseUrl: string;
  /** Where the key that block secrets are encrypted with comes from. */
  secretKey: SecretKeySource;
  /**
   * Apply pending migrations before returning.
   * @default true
   */
  migrate?: boolean;
  /**
   * PostgreSQL only: the most connections the pool opens.
   * @default 10
   */
  maxConnections?: number;
}

/**
 * Opens the service layer on the database a URL names: SQLite (one connection, WAL) or
 * PostgreSQL (a pool), with its schema brought up to date.
 *
 * @example
 * ```ts
 * const service = await openMetadataService({
 *   databaseUrl: settings.get("CAIRN_API_DATABASE_URL"),
 *   secretKey: SecretKeySource.fromSettings(settings),
 * });
 * ```
 */
export async function openMetadataService(options: OpenMetadataServiceOptions): Promise<MetadataService> {
  const location = parseDatabaseUrl(options.databaseUrl);
  const migrate = options.migrate ?? true;
  if (location.dialect === "postgresql") {
    const db = createPostgresKysely(location.url, options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections });
    const service = new MetadataService({
      db,
      writer: new PostgresMetadataWriter(db),
      blocks: new BlockDocumentStore(db, options.secretKey),
      dialect: "postgresql",
      // Kysely's PostgreSQL adapter holds an advisory lock while it migrates: servers starting together wait.
      migrate: () => migrateToLatest(db),
    });
    try {
      await sql`select 1`.execute(db);
    } catch (err) {
      await service.close();
      throw unreachableDatabase(location.url, err);
    }
    return migrate ? migrated(service) : service;
  }
  const sqlite = createSqliteDatabase(location.path);
  const db = createSqliteKysely(sqlite);
  const service = new MetadataService({
    db,
    writer: new SqliteMetadataWriter(sqlite, db),
    blocks: new BlockDocumentStore(db, options.secretKey),
    dialect: "sqlite",
    migrate: () => migrateSqliteDatabase(sqlite, db),
  });
  return migrate ? migrated(service) : service;
}

/** A PostgreSQL database that cannot be reached: say which (without the password) and what to check. */
function unreachableDatabase(url: string, cause: unknown): ConfigurationError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ConfigurationError(
    `Could not connect to the PostgreSQL database of CAIRN_API_DATABASE_URL (${redactUrlPassword(url)}): ${reason}. ` +
      "Check that PostgreSQL runs there, that the database exists (CREATE DATABASE ...), and the user and password.",
    { cause, context: { setting: "CAIRN_API_DATABASE_URL" } },
  );
}

/** The service, its migrations applied; closed if they fail. */
async function migrated(service: MetadataService): Promise<MetadataService> {
  try {
    await service.migrate();
    return service;
  } catch (err) {
    await service.close();
    throw err;
  }
}
