import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { SecretKeySource } from "../blocks/secrets/secret-key-source.js";
import { addInProcessServer, removeInProcessServer } from "../client/http/in-process-servers.js";
import { findOrphans } from "../client/orphans/find-orphans.js";
import type { MetadataService } from "../database/service/metadata-service.js";
import { openMetadataService } from "../database/service/open-metadata-service.js";
import type { Settings } from "../settings/index.js";
import { answerClientError } from "./client-error.js";
import { createServerApp } from "./create-server-app.js";
import { previewPolicy } from "./preview/preview-policy.js";

/** The most bytes of request line and headers the server reads (Node's default is 16 KiB). */
export const MAX_HEADER_BYTES = 64 * 1024;

/** How long applied write-batch ids are kept (a client retries a batch for minutes, not days). */
const BATCH_ID_RETENTION_MS = 7 * 24 * 3600_000;
const PRUNE_INTERVAL_MS = 3600_000;
/** How often the server marks runs of dead processes on its host CRASHED (also once at start). */
const ORPHAN_SWEEP_INTERVAL_MS = 60_000;

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Settings: the database (`CAIRN_API_DATABASE_URL`), the API key, host and port, the secret key. */
  settings: Settings;
  /** @default settings.get("CAIRN_SERVER_HOST") */
  host?: string;
  /** `0` picks a free port. @default settings.get("CAIRN_SERVER_PORT") */
  port?: number;
  /** Serve this service instead of opening the settings' database (closed with the server). */
  service?: MetadataService;
  /** Largest accepted request body. @default 16 MiB */
  maxBodyBytes?: number;
  /**
   * How long {@link RunningServer.close} lets requests in flight finish before it cuts
   * their connections.
   * @default 10000
   */
  shutdownGraceMs?: number;
  /** Where failures are logged. @default process.stderr */
  log?: (line: string) => void;
}

/**
 * A server started by {@link startServer}.
 *
 * @example
 * ```ts
 * const server: RunningServer = await startServer({ settings, port: 0 });
 * await server.close();
 * ```
 */
export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string;
  /** `http://host:port/api`: what clients set `CAIRN_API_URL` to. */
  readonly apiUrl: string;
  readonly port: number;
  /** The service layer it serves. */
  readonly service: MetadataService;
  /** The Node HTTP server. */
  readonly httpServer: Server;
  /**
   * Graceful shutdown: stops accepting connections, lets requests in flight finish (up to
   * the grace period), then closes the database. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Starts `cairn server`: opens the database named by `CAIRN_API_DATABASE_URL` (SQLite or
 * PostgreSQL), applies pending migrations, and serves the API under `/api` on
 * `host:port`. Resolves once the server listens.
 *
 * @example
 * ```ts
 * const server = await startServer({ settings: loadSettings(), port: 0 });
 * console.log(server.apiUrl); // http://127.0.0.1:41235/api
 * process.once("SIGTERM", () => void server.close());
 * ```
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { settings } = options;
  const host = options.host ?? settings.get("CAIRN_SERVER_HOST");
  const port = options.port ?? settings.get("CAIRN_SERVER_PORT");
  const log = options.log ?? ((line: string) => void process.stderr.write(line));
  const service =
    options.service ??
    (await openMetadataService({
      databaseUrl: settings.get("CAIRN_API_DATABASE_URL"),
      secretKey: SecretKeySource.fromSettings(settings),
    }));

  const app = createServerApp({
    service,
    apiKey: settings.get("CAIRN_SERVER_API_KEY"),
    log,
    settings,
    preview: previewPolicy(settings, host),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
  });
  const listener = getRequestListener(app.fetch);
  let shuttingDown = false;
  // Query values may be up to a few thousand characters (task keys: 2,000), percent-encoded UTF-8 up to
  // 12 bytes each: Node's default 16 KiB of request line and headers is too little.
  const httpServer = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
    // While shutting down, answer and close: a keep-alive client must not go on sending
    // requests on its open connection (it reconnects to the next server instead).
    if (shuttingDown) response.setHeader("connection", "close");
    void listener(request, response);
  });
  httpServer.keepAliveTimeout = 65_000;
  httpServer.on("clientError", answerClientError);
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(port, host, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    await service.close();
    throw err;
  }
  const bound = (httpServer.address() as AddressInfo).port;
  addInProcessServer(bound);

  const prune = () =>
    void service.writer.pruneBatchIds(new Date(Date.now() - BATCH_ID_RETENTION_MS).toISOString()).catch((err: unknown) => {
      log(`cairn server: could not prune old write-batch ids: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  prune();
  const pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS).unref();
  // Runs left RUNNING by killed processes of this host (clients elsewhere mark their own host's).
  let sweeping: Promise<void> | undefined;
  const sweepOrphans = () => {
    sweeping ??= service
      .readUnfinishedRuns(hostname())
      .then((runs) => service.markRunsCrashed(findOrphans(runs)))
      .then(
        () => undefined,
        (err: unknown) => {
          log(`cairn server: could not mark runs of dead processes CRASHED: ${err instanceof Error ? err.message : String(err)}\n`);
        },
      )
      .finally(() => (sweeping = undefined));
  };
  sweepOrphans();
  const sweepTimer = setInterval(sweepOrphans, ORPHAN_SWEEP_INTERVAL_MS).unref();

  const urlHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${urlHost === "0.0.0.0" ? "127.0.0.1" : urlHost === "[::]" ? "[::1]" : urlHost}:${bound}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    apiUrl: `${url}/api`,
    port: bound,
    service,
    httpServer,
    close: () =>
      (closing ??= (async () => {
        shuttingDown = true;
        clearInterval(pruneTimer);
        clearInterval(sweepTimer);
        removeInProcessServer(bound);
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        // Connections become idle as their requests finish: close them then.
        const idle = setInterval(() => httpServer.closeIdleConnections(), 50);
        httpServer.closeIdleConnections();
        const grace = setTimeout(() => httpServer.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
        grace.unref();
        await closed;
        clearInterval(idle);
        clearTimeout(grace);
        await sweeping;
        await service.close();
      })()),
  };
}
