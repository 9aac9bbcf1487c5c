import { resolveUserPath } from "./resolve-path.js";

/** Where the metadata database is, as read from `CAIRN_API_DATABASE_URL`. */
export type DatabaseLocation =
  | { readonly dialect: "sqlite"; readonly path: string }
  | { readonly dialect: "postgresql"; readonly url: string };

const SQLITE_PREFIX = "sqlite:///";
const POSTGRES_PATTERN = /^postgres(ql)?:\/\//i;

/** True when `value` has one of the forms `CAIRN_API_DATABASE_URL` accepts. */
export function isDatabaseUrl(value: string): boolean {
  if (value.startsWith(SQLITE_PREFIX)) return value.length > SQLITE_PREFIX.length;
  if (POSTGRES_PATTERN.test(value)) return URL.canParse(value);
  return value.length > 0 && !value.includes("://");
}

/**
 * Normalizes a database URL: a SQLite URL or a plain file path becomes
 * `sqlite:///<absolute path>` (relative paths resolve against `cwd`); PostgreSQL
 * URLs are kept as given. As in SQLAlchemy, `sqlite:///cairn.db` is relative and
 * `sqlite:////var/lib/cairn.db` (four slashes) is absolute.
 *
 * @example
 * ```ts
 * normalizeDatabaseUrl("cairn.db", "/work");                 // "sqlite:////work/cairn.db"
 * normalizeDatabaseUrl("postgresql://db/cairn", "/work");    // "postgresql://db/cairn"
 * ```
 */
export function normalizeDatabaseUrl(value: string, cwd: string): string {
  if (POSTGRES_PATTERN.test(value)) return value;
  const file = value.startsWith(SQLITE_PREFIX) ? value.slice(SQLITE_PREFIX.length) : value;
  if (file === ":memory:") return SQLITE_PREFIX + file;
  return SQLITE_PREFIX + resolveUserPath(file, cwd);
}

/**
 * Reads a normalized `CAIRN_API_DATABASE_URL` (as `Settings.get` returns it).
 *
 * @example
 * ```ts
 * const db = parseDatabaseUrl(settings.get("CAIRN_API_DATABASE_URL"));
 * if (db.dialect === "sqlite") openSqlite(db.path);
 * ```
 */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (POSTGRES_PATTERN.test(url)) return { dialect: "postgresql", url };
  const file = url.startsWith(SQLITE_PREFIX) ? url.slice(SQLITE_PREFIX.length) : url;
  return { dialect: "sqlite", path: file };
}

/**
 * Replaces the password of a URL with `********`, for display.
 *
 * @example
 * ```ts
 * redactUrlPassword("postgresql://cairn:hunter2@db/cairn"); // "postgresql://cairn:********@db/cairn"
 * ```
 */
export function redactUrlPassword(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password === "") return url;
  parsed.password = "********";
  return parsed.toString();
}
