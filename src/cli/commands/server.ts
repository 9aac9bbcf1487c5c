import { createInterface } from "node:readline/promises";
import { Command, InvalidArgumentError } from "commander";
import { SecretKeySource } from "../../blocks/secrets/secret-key-source.js";
import { openMetadataService } from "../../database/service/open-metadata-service.js";
import { resetDatabase } from "../../database/reset-database.js";
import { CairnError } from "../../errors/cairn-error.js";
import { startServer, type RunningServer } from "../../server/start-server.js";
import { parseDatabaseUrl, redactUrlPassword, type Settings } from "../../settings/index.js";
import { cliSettings, colors, print } from "../output.js";
import { previewPolicy } from "../../server/preview/preview-policy.js";
import { databaseBackupCommand } from "./database-backup.js";

/** Options of {@link serverCommand}, for embedding and tests. */
export interface ServerCommandOptions {
  /**
   * Asks the user to confirm a destructive action.
   * @default a yes/no question on the terminal (no answer, or no terminal, means no)
   */
  confirm?: (question: string) => Promise<boolean>;
  /** Called once the server listens (tests stop it from here). */
  onStarted?: (server: RunningServer) => void;
}

/**
 * `cairn server start [--host H] [--port P]` serves the API (and runs pending
 * migrations first) until SIGTERM or SIGINT, then shuts down gracefully;
 * `cairn server database upgrade` applies pending migrations;
 * `cairn server database reset [--yes]` empties the database after confirmation;
 * `cairn server database backup PATH` copies a SQLite database safely while it is in use.
 * The database is `CAIRN_API_DATABASE_URL` (SQLite by default, or PostgreSQL).
 *
 * @example
 * ```sh
 * CAIRN_SERVER_API_KEY=s3cr3t cairn server start --host 0.0.0.0 --port 4200
 * CAIRN_API_DATABASE_URL=postgresql://cairn@db/cairn cairn server database upgrade
 * ```
 */
export function serverCommand(options: ServerCommandOptions = {}): Command {
  const server = new Command("server").description("Run the Cairn server: the HTTP API on SQLite or PostgreSQL.");

  server
    .command("start")
    .description("Serve the API under /api and the web UI at / until stopped (SIGTERM/SIGINT stop it gracefully).")
    .option("--host <HOST>", "address to bind (default: CAIRN_SERVER_HOST, 127.0.0.1)")
    .option("--port <PORT>", "port to listen on (default: CAIRN_SERVER_PORT, 4200; 0 picks a free one)", parsePort)
    .action(async (opts: { host?: string; port?: number }) => {
      const settings = cliSettings();
      const running = await startServer({
        settings,
        ...(opts.host === undefined ? {} : { host: opts.host }),
        ...(opts.port === undefined ? {} : { port: opts.port }),
      });
      const c = colors();
      print(`${c.green("Cairn server")} listening on ${c.bold(running.url)}`);
      print(`  API:       ${running.apiUrl} (OpenAPI document: ${running.apiUrl}/openapi.json)`);
      const preview = previewPolicy(settings, opts.host ?? settings.get("CAIRN_SERVER_HOST"));
      print(`  Web UI:    ${running.url}/ (result preview ${preview.enabled ? "on" : "off: see CAIRN_SERVER_RESULT_PREVIEW"})`);
      print(`  Database:  ${describeDatabase(settings)}`);
      print(
        `  API key:   ${settings.get("CAIRN_SERVER_API_KEY") === undefined ? "none (set CAIRN_SERVER_API_KEY to require one)" : "required"}`,
      );
      print(`  Clients:   CAIRN_API_URL=${running.apiUrl}`);
      options.onStarted?.(running);
      const signal = await new Promise<string>((resolve) => {
        const stop = (name: string) => {
          process.off("SIGTERM", stop);
          process.off("SIGINT", stop);
          resolve(name);
        };
        process.on("SIGTERM", stop);
        process.on("SIGINT", stop);
        running.httpServer.once("close", () => stop("close"));
      });
      if (signal !== "close") print(`Received ${signal}: finishing the requests in flight, then stopping.`);
      await running.close();
      print("Cairn server stopped.");
    });

  const database = server.command("database").description("Manage the server's database (CAIRN_API_DATABASE_URL).");

  database
    .command("upgrade")
    .description("Apply pending migrations (the server also does this when it starts).")
    .action(async () => {
      const settings = cliSettings();
      const service = await openMetadataService({
        databaseUrl: settings.get("CAIRN_API_DATABASE_URL"),
        secretKey: SecretKeySource.fromSettings(settings),
        migrate: false,
      });
      try {
        const applied = await service.migrate();
        print(
          applied.length === 0
            ? `The database is up to date (${describeDatabase(settings)}).`
            : `Applied ${applied.length} migration(s) to ${describeDatabase(settings)}: ${applied.join(", ")}.`,
        );
      } finally {
        await service.close();
      }
    });

  database
    .command("reset")
    .description("Delete every table and create them again, empty: all runs, states, logs and blocks are lost.")
    .option("-y, --yes", "do not ask for confirmation")
    .action(async (opts: { yes?: boolean }) => {
      const settings = cliSettings();
      const where = describeDatabase(settings);
      if (opts.yes !== true) {
        const confirm = options.confirm ?? askOnTerminal;
        const ok = await confirm(`Delete everything in ${where}? Runs, states, logs and saved blocks will be lost. [y/N] `);
        if (!ok) {
          throw new CairnError("ABORTED", "Reset cancelled: nothing was deleted. Pass --yes to reset without being asked.");
        }
      }
      const service = await openMetadataService({
        databaseUrl: settings.get("CAIRN_API_DATABASE_URL"),
        secretKey: SecretKeySource.fromSettings(settings),
        migrate: false,
      });
      try {
        const applied = await resetDatabase(service.db);
        print(`Reset ${where}: every table is empty again (${applied.length} migrations applied).`);
      } finally {
        await service.close();
      }
    });

  database.addCommand(databaseBackupCommand());

  return server;
}

/** "SQLite at <path>" or the PostgreSQL URL without its password. */
function describeDatabase(settings: Settings): string {
  const location = parseDatabaseUrl(settings.get("CAIRN_API_DATABASE_URL"));
  return location.dialect === "sqlite" ? `SQLite at ${location.path}` : `PostgreSQL at ${redactUrlPassword(location.url)}`;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError("expected a port number between 0 and 65535.");
  return port;
}

/** Asks on the process's terminal; anything but y/yes (or no terminal to ask on) is a no. */
async function askOnTerminal(question: string): Promise<boolean> {
  if (process.stdin.isTTY !== true) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
