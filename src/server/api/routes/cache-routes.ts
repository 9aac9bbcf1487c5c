import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { ERROR_RESPONSES, json } from "../schemas/common-schemas.js";
import { CacheReportSchema, CachedTaskSchema } from "../schemas/view-schemas.js";

const listCachedTasks = createRoute({
  method: "get",
  path: "/caches",
  tags: ["cache"],
  summary: "The tasks that have cache entries, the most recently written first",
  responses: {
    200: json(z.object({ items: z.array(CachedTaskSchema) }).openapi("CachedTasks"), "Tasks by task key."),
    ...ERROR_RESPONSES,
  },
});

const readCacheReport = createRoute({
  method: "get",
  path: "/caches/report",
  tags: ["cache"],
  summary: "One task's cache: its entries (with hits), hits, and misses with the reason each run recorded",
  request: {
    query: z.object({
      taskKey: z.string().min(1).max(2000).openapi({ param: { name: "taskKey", in: "query" }, description: "The task's key (`TaskRun.taskKey`)." }),
    }),
  },
  responses: { 200: json(CacheReportSchema, "The report, newest first."), ...ERROR_RESPONSES },
});

/**
 * Registers the cache routes.
 *
 * @example
 * ```ts
 * cacheRoutes(api, { service }); // GET /caches, GET /caches/report?taskKey=...
 * ```
 */
export function cacheRoutes(app: ApiApp, { service }: RouteDeps): void {
  app.openapi(listCachedTasks, async (c) => c.json({ items: await service.readCachedTasks() }, 200));

  app.openapi(readCacheReport, async (c) => {
    const { taskKey } = c.req.valid("query");
    return c.json(await service.readCacheReport(taskKey), 200);
  });
}
