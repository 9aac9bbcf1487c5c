import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { MetadataService } from "../database/service/metadata-service.js";
import { cairnVersion } from "../results/blob/cairn-version.js";
import { newApiApp, type ApiApp } from "./api/api-app.js";
import { errorBody } from "./api/api-errors.js";
import { blockRoutes } from "./api/routes/block-routes.js";
import { flowRunRoutes } from "./api/routes/flow-run-routes.js";
import { historyRoutes } from "./api/routes/history-routes.js";
import { orphanRoutes } from "./api/routes/orphan-routes.js";
import { resultReferenceRoutes } from "./api/routes/result-reference-routes.js";
import { secretKeyRoutes } from "./api/routes/secret-key-routes.js";
import { taskRunRoutes } from "./api/routes/task-run-routes.js";
import { writeRoutes } from "./api/routes/write-routes.js";
import { cacheRoutes } from "./api/routes/cache-routes.js";
import { resultPreviewRoutes } from "./api/routes/result-preview-routes.js";
import { settingsRoutes } from "./api/routes/settings-routes.js";
import { taskRunDetailsRoutes } from "./api/routes/task-run-details-routes.js";
import { timelineRoutes } from "./api/routes/timeline-routes.js";
import { loadSettings, type Settings } from "../settings/index.js";
import { previewPolicy, type PreviewPolicy } from "./preview/preview-policy.js";
import { defaultUiAssetsDir, UiAssets } from "./ui/ui-assets.js";
import { uiRoutes } from "./ui/ui-routes.js";
import { json } from "./api/schemas/common-schemas.js";
import { apiKeyAuth } from "./middleware/api-key-auth.js";
import { apiErrorHandler } from "./middleware/error-handler.js";
import { methodNotAllowed } from "./middleware/method-not-allowed.js";
import { secretAccess } from "./middleware/secret-access.js";

/** The default {@link ServerAppOptions.maxBodyBytes}: 16 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Options of {@link createServerApp}. */
export interface ServerAppOptions {
  /** The service layer the API serves. */
  service: MetadataService;
  /**
   * `CAIRN_SERVER_API_KEY`: when set, every request but `GET /api/health` needs
   * `Authorization: Bearer <key>`.
   */
  apiKey?: string | undefined;
  /**
   * Request bodies larger than this are refused with 413 (clients split their write
   * batches well below it).
   * @default 16 MiB
   */
  maxBodyBytes?: number;
  /** Where the server logs failures. @default process.stderr */
  log?: (line: string) => void;
  /**
   * The server's settings, shown (secrets masked) at `GET /api/settings`.
   * @default loadSettings() from the environment and the active profile
   */
  settings?: Settings;
  /**
   * Whether `GET /api/runs/{runId}/result` previews values, and up to what size.
   * @default previewPolicy(settings, settings.get("CAIRN_SERVER_HOST")): `startServer` passes the host it listens on
   */
  preview?: PreviewPolicy;
  /**
   * The folder of the built web UI served at `/`, or false for none.
   * @default the package's `dist/ui` (built by `npm run build`)
   */
  uiAssetsDir?: string | false;
}

const HealthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string().openapi({ example: "0.1.0" }),
    database: z.enum(["sqlite", "postgresql"]),
  })
  .openapi("Health");

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["server"],
  summary: "Liveness: 200 while the server runs (no API key needed)",
  security: [],
  responses: { 200: json(HealthSchema, "The server is up.") },
});

/**
 * The Cairn server's HTTP app (Hono): the API under `/api`, described by the OpenAPI
 * document at `/api/openapi.json`, which is generated from the same zod schemas that
 * validate requests. Not bound to a port: `startServer` serves it, tests call
 * `app.request()` directly.
 *
 * No CORS headers are sent: browsers on other origins cannot call the API.
 *
 * @example
 * ```ts
 * const app = createServerApp({ service, apiKey: "s3cr3t" });
 * const res = await app.request("/api/health"); // 200
 * ```
 */
export function createServerApp(options: ServerAppOptions): OpenAPIHono {
  const { service } = options;
  const log = options.log ?? ((line: string) => void process.stderr.write(line));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const settings = options.settings ?? loadSettings();
  const preview = options.preview ?? previewPolicy(settings, settings.get("CAIRN_SERVER_HOST"));

  const api: ApiApp = newApiApp();
  api.openapi(health, (c) => c.json({ status: "ok" as const, version: cairnVersion(), database: service.dialect }, 200));
  const deps = { service };
  writeRoutes(api, deps);
  flowRunRoutes(api, deps);
  taskRunRoutes(api, deps);
  historyRoutes(api, deps);
  orphanRoutes(api, deps);
  resultReferenceRoutes(api, deps);
  blockRoutes(api, deps);
  secretKeyRoutes(api, deps);
  // Read routes of the web UI (docs/ui.md).
  timelineRoutes(api, deps);
  taskRunDetailsRoutes(api, deps);
  cacheRoutes(api, deps);
  resultPreviewRoutes(api, { ...deps, preview });
  settingsRoutes(api, { settings, preview });
  api.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer" });
  api.doc("/openapi.json", {
    openapi: "3.0.3",
    info: {
      title: "Cairn server API",
      version: cairnVersion(),
      description:
        "The metadata API of Cairn: flow runs, task runs, states, logs, cache lookups and block documents, " +
        "and the read routes of the web UI (timelines, task run details, caches, result previews, settings). " +
        "With CAIRN_SERVER_API_KEY set on the server, every request but GET /api/health needs " +
        "`Authorization: Bearer <key>`.",
    },
    servers: [{ url: "/api" }],
    security: options.apiKey === undefined ? [] : [{ apiKey: [] }],
  });

  const app = new OpenAPIHono();
  app.use(
    "*",
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        c.json(
          errorBody(
            "PAYLOAD_TOO_LARGE",
            `The request body is larger than this server accepts (${maxBodyBytes} bytes). Send smaller batches.`,
          ),
          413,
        ),
    }),
  );
  if (options.apiKey !== undefined) app.use("/api/*", apiKeyAuth(options.apiKey));
  app.use("/api/*", secretAccess({ keyRequired: options.apiKey !== undefined }));
  app.route("/api", api);
  if (options.uiAssetsDir !== false) uiRoutes(app, new UiAssets(options.uiAssetsDir ?? defaultUiAssetsDir()));
  app.notFound(methodNotAllowed(api, "/api"));
  app.onError(apiErrorHandler(log));
  // Errors thrown inside the API's routes reach the API app's handler first.
  api.onError(apiErrorHandler(log));
  return app;
}
