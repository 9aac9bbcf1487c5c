import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * A fresh PostgreSQL database for one test store: `cairn_test_<random>`, created on the
 * server of `adminUrl` (through its maintenance database), dropped by {@link dropTestDatabase}.
 *
 * @returns the URL of the new database.
 * @example
 * ```ts
 * const url = await createTestDatabase("postgresql://postgres@127.0.0.1:5432/postgres");
 * // ... use it ...
 * await dropTestDatabase("postgresql://postgres@127.0.0.1:5432/postgres", url);
 * ```
 */
export async function createTestDatabase(adminUrl: string): Promise<string> {
  const name = `cairn_test_${randomBytes(8).toString("hex")}`;
  await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops a database made by {@link createTestDatabase} (closing its other connections).
 *
 * @example
 * ```ts
 * await dropTestDatabase(testPostgresUrl(), url);
 * ```
 */
export async function dropTestDatabase(adminUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^cairn_test_[0-9a-f]+$/.test(name)) throw new Error(`Refusing to drop "${name}": not a Cairn test database.`);
  await withAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Cannot reach the PostgreSQL server for tests at ${adminUrl} (${reason}). Start PostgreSQL there, or set ` +
        "CAIRN_TEST_POSTGRES_URL to the maintenance database of one (e.g. postgresql://postgres@127.0.0.1:5432/postgres).",
      { cause: err },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
