import fs from "node:fs";
import os from "node:os";
import { Command } from "commander";
import { parseDatabaseUrl, redactUrlPassword, type Settings } from "../../settings/index.js";
import { cliSettings, print, renderTable } from "../output.js";

/**
 * The version of the Cairn package (read from its package.json).
 *
 * @example
 * ```ts
 * cairnVersion(); // "0.1.0"
 * ```
 */
export function cairnVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

/**
 * Describes where metadata goes: the server's API URL, or the embedded store's database.
 *
 * @example
 * ```ts
 * describeApiMode(settings); // "embedded (SQLite at /home/me/.cairn/cairn.db)"
 * ```
 */
export function describeApiMode(settings: Settings): string {
  const url = settings.get("CAIRN_API_URL");
  if (url !== undefined) return `server at ${redactUrlPassword(url)}`;
  const database = parseDatabaseUrl(settings.get("CAIRN_API_DATABASE_URL"));
  return database.dialect === "sqlite"
    ? `embedded (SQLite at ${database.path})`
    : `embedded (PostgreSQL at ${redactUrlPassword(database.url)})`;
}

/** `cairn version`: versions, the active profile and the API mode, for bug reports. */
export function versionCommand(): Command {
  return new Command("version")
    .description("Show the Cairn and Node.js versions, the active profile and where metadata goes.")
    .action(() => {
      const rows = [
        ["Version:", cairnVersion()],
        ["Node.js:", process.version],
        ["Platform:", `${os.platform()} ${os.arch()}`],
      ];
      let settings: Settings;
      try {
        settings = cliSettings();
      } catch (error) {
        print(renderTable(rows));
        throw error;
      }
      rows.push(["Profile:", settings.profileName], ["API:", describeApiMode(settings)]);
      print(renderTable(rows));
    });
}
