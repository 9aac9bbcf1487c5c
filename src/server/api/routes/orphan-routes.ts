import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { ERROR_RESPONSES, json } from "../schemas/common-schemas.js";
import { StateSchema, UnfinishedRunSchema } from "../schemas/run-schemas.js";

const readUnfinished = createRoute({
  method: "get",
  path: "/unfinished-runs",
  tags: ["orphans"],
  summary: "The runs of a host that are not final yet: candidates for orphan detection",
  description:
    "Only a process on the owner's host can tell whether the owner is still alive, so the client " +
    "checks the candidates and posts the runs whose process is gone to /crashes.",
  request: { query: z.object({ host: z.string().min(1).openapi({ param: { name: "host", in: "query" } }) }) },
  responses: {
    200: json(z.object({ items: z.array(UnfinishedRunSchema) }).openapi("UnfinishedRuns"), "The candidates."),
    ...ERROR_RESPONSES,
  },
});

const RunCrashSchema = z.object({ run: UnfinishedRunSchema, state: StateSchema }).openapi("RunCrash");

const markCrashed = createRoute({
  method: "post",
  path: "/crashes",
  tags: ["orphans"],
  summary: "Mark runs whose process is gone as CRASHED",
  description: "Each run is marked only while it is still unfinished and owned by the owner given (idempotent).",
  request: {
    body: {
      content: { "application/json": { schema: z.object({ crashes: z.array(RunCrashSchema).max(100_000) }) } },
      required: true,
    },
  },
  responses: {
    200: json(z.object({ marked: z.number().int() }).openapi("CrashOutcome"), "How many runs were marked."),
    ...ERROR_RESPONSES,
  },
});

/**
 * Registers the orphan-detection routes.
 *
 * @example
 * ```ts
 * orphanRoutes(api, { service }); // GET /unfinished-runs, POST /crashes
 * ```
 */
export function orphanRoutes(app: ApiApp, { service }: RouteDeps): void {
  app.openapi(readUnfinished, async (c) => {
    const { host } = c.req.valid("query");
    return c.json({ items: await service.readUnfinishedRuns(host) }, 200);
  });

  app.openapi(markCrashed, async (c) => {
    const { crashes } = c.req.valid("json");
    return c.json({ marked: await service.markRunsCrashed(crashes) }, 200);
  });
}
