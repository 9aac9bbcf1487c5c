import { ConfigurationError } from "../../errors/configuration-error.js";
import { normalizeDatabaseUrl, parseDatabaseUrl, redactUrlPassword } from "../../settings/index.js";

/**
 * The SQLite file named by a `CAIRN_API_DATABASE_URL` value: `sqlite:///<path>`
 * (SQLAlchemy style: `sqlite:///cairn.db` is relative, `sqlite:////var/lib/cairn.db`
 * absolute), or a plain file path. Relative paths resolve against `cwd`.
 *
 * @throws {@link ConfigurationError} for a PostgreSQL URL (the embedded store is SQLite;
 * `createOrchestrationClient` opens PostgreSQL), or another scheme.
 *
 * @example
 * ```ts
 * databasePathFromUrl("sqlite:////home/me/.cairn/cairn.db"); // "/home/me/.cairn/cairn.db"
 * databasePathFromUrl("runs.db", "/work");                   // "/work/runs.db"
 * ```
 */
export function databasePathFromUrl(url: string, cwd: string = process.cwd()): string {
  const trimmed = url.trim();
  if (/^postgres(ql)?(\+[a-z0-9]+)?:\/\//i.test(trimmed)) {
    throw new ConfigurationError(
      `CAIRN_API_DATABASE_URL is a PostgreSQL URL (${redactUrlPassword(trimmed)}), and the embedded store is a ` +
        "SQLite file. Open PostgreSQL with createOrchestrationClient(settings) (the service layer in-process), or " +
        "run `cairn server start` on it and set CAIRN_API_URL in clients.",
      { context: { setting: "CAIRN_API_DATABASE_URL" } },
    );
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() !== "sqlite") {
    throw new ConfigurationError(
      `CAIRN_API_DATABASE_URL uses the unsupported scheme "${scheme}://". ` +
        'Use "sqlite:///<path>" or a plain file path.',
      { context: { setting: "CAIRN_API_DATABASE_URL" } },
    );
  }
  const location = parseDatabaseUrl(normalizeDatabaseUrl(trimmed, cwd));
  if (location.dialect !== "sqlite") throw new Error("unreachable: PostgreSQL URLs are refused above");
  return location.path;
}
