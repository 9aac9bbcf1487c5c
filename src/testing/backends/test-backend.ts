import { ConfigurationError } from "../../errors/configuration-error.js";

/**
 * Where the metadata of test engines goes (`CAIRN_TEST_BACKEND`):
 * - `embedded`: the embedded SQLite store, in-process (the default);
 * - `http-sqlite`: the HTTP client, against a Cairn server on SQLite;
 * - `http-postgres`: the HTTP client, against a Cairn server on PostgreSQL
 *   (`CAIRN_TEST_POSTGRES_URL`, default `postgresql://postgres@127.0.0.1:5432/postgres`;
 *   each test store is a fresh database, dropped afterwards).
 */
export type TestBackend = "embedded" | "http-sqlite" | "http-postgres";

/** Every {@link TestBackend}. */
export const TEST_BACKENDS: readonly TestBackend[] = ["embedded", "http-sqlite", "http-postgres"];

/**
 * The backend `CAIRN_TEST_BACKEND` selects.
 *
 * @example
 * ```ts
 * testBackend({ CAIRN_TEST_BACKEND: "http-postgres" }); // "http-postgres"
 * ```
 */
export function testBackend(env: Readonly<Record<string, string | undefined>> = process.env): TestBackend {
  const value = env.CAIRN_TEST_BACKEND?.trim() || "embedded";
  if ((TEST_BACKENDS as readonly string[]).includes(value)) return value as TestBackend;
  throw new ConfigurationError(
    `CAIRN_TEST_BACKEND is "${value}"; expected one of ${TEST_BACKENDS.join(", ")}.`,
    { context: { setting: "CAIRN_TEST_BACKEND" } },
  );
}

/**
 * The PostgreSQL server test databases are created on (its maintenance database).
 *
 * @example
 * ```ts
 * const url = await createTestDatabase(testPostgresUrl());
 * ```
 */
export function testPostgresUrl(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.CAIRN_TEST_POSTGRES_URL?.trim() || "postgresql://postgres@127.0.0.1:5432/postgres";
}
