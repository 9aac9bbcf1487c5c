import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { ERROR_RESPONSES, json, queryInt } from "../schemas/common-schemas.js";
import { LogSchema, StateSchema } from "../schemas/run-schemas.js";

/** The most log lines one request returns. */
export const MAX_LOG_LINES = 100_000;

const readStates = createRoute({
  method: "get",
  path: "/runs/{runId}/states",
  tags: ["history"],
  summary: "The states of a flow run or a task run, oldest first",
  request: { params: z.object({ runId: z.string().min(1).openapi({ param: { name: "runId", in: "path" } }) }) },
  responses: { 200: json(z.object({ items: z.array(StateSchema) }).openapi("StateHistory"), "The state history."), ...ERROR_RESPONSES },
});

const readLogs = createRoute({
  method: "get",
  path: "/logs",
  tags: ["history"],
  summary: "Log lines, oldest first",
  request: {
    query: z.object({
      flowRunId: z.string().optional().openapi({ param: { name: "flowRunId", in: "query" } }),
      taskRunId: z.string().optional().openapi({ param: { name: "taskRunId", in: "query" } }),
      minLevel: queryInt("minLevel", 100).openapi({ description: "Only lines at this level or above (10 debug ... 50 critical)." }),
      limit: queryInt("limit", MAX_LOG_LINES).openapi({ description: `At most this many lines (default and maximum ${MAX_LOG_LINES}).` }),
    }),
  },
  responses: { 200: json(z.object({ items: z.array(LogSchema) }).openapi("LogLines"), "Log lines."), ...ERROR_RESPONSES },
});

/**
 * Registers the state history and log routes.
 *
 * @example
 * ```ts
 * historyRoutes(api, { service }); // GET /runs/{runId}/states, GET /logs
 * ```
 */
export function historyRoutes(app: ApiApp, { service }: RouteDeps): void {
  app.openapi(readStates, async (c) => {
    const { runId } = c.req.valid("param");
    return c.json({ items: await service.readStates(runId) }, 200);
  });

  app.openapi(readLogs, async (c) => {
    const { flowRunId, taskRunId, minLevel, limit = MAX_LOG_LINES } = c.req.valid("query");
    const logs = await service.readLogs({
      ...(flowRunId === undefined ? {} : { flowRunId }),
      ...(taskRunId === undefined ? {} : { taskRunId }),
      ...(minLevel === undefined ? {} : { minLevel }),
      limit,
    });
    return c.json({ items: logs }, 200);
  });
}
