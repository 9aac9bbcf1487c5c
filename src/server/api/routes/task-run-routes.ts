import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { notFound } from "../api-errors.js";
import { ERROR_RESPONSES, ErrorSchema, TimestampSchema, json, queryInt } from "../schemas/common-schemas.js";
import { DEFAULT_PAGE_SIZE, pageOf, pageQuery, toPage } from "../schemas/page-schemas.js";
import { TaskRunSchema } from "../schemas/run-schemas.js";

const listTaskRuns = createRoute({
  method: "get",
  path: "/task-runs",
  tags: ["task runs"],
  summary: "List task runs, oldest first",
  request: {
    query: z.object({
      flowRunId: z.string().optional().openapi({ param: { name: "flowRunId", in: "query" } }),
      taskKey: z.string().optional().openapi({ param: { name: "taskKey", in: "query" } }),
      ...pageQuery,
    }),
  },
  responses: { 200: json(pageOf(TaskRunSchema, "TaskRunPage"), "A page of task runs."), ...ERROR_RESPONSES },
});

const readTaskRun = createRoute({
  method: "get",
  path: "/task-runs/{id}",
  tags: ["task runs"],
  summary: "Read a task run by id or unique id prefix",
  request: { params: z.object({ id: z.string().min(1).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: {
    200: json(TaskRunSchema, "The task run."),
    404: json(ErrorSchema, "No task run has this id or id prefix."),
    409: json(ErrorSchema, "The prefix matches several task runs (AMBIGUOUS_ID)."),
    ...ERROR_RESPONSES,
  },
});

const cacheCandidates = createRoute({
  method: "get",
  path: "/cache-candidates",
  tags: ["task runs"],
  summary: "Cache lookup: the newest COMPLETED task runs under a cache key that have not expired",
  request: {
    query: z.object({
      cacheKey: z.string().min(1).openapi({ param: { name: "cacheKey", in: "query" } }),
      now: TimestampSchema.openapi({ param: { name: "now", in: "query" }, description: "Entries expired at this time are left out." }),
      limit: queryInt("limit", 100).openapi({ description: "At most this many (default 3)." }),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(TaskRunSchema) }).openapi("CacheCandidates"), "Candidates, newest first."),
    ...ERROR_RESPONSES,
  },
});

/**
 * Registers the task run routes (listing, reading, cache lookups).
 *
 * @example
 * ```ts
 * taskRunRoutes(api, { service }); // GET /task-runs, /task-runs/{id}, /cache-candidates
 * ```
 */
export function taskRunRoutes(app: ApiApp, { service }: RouteDeps): void {
  app.openapi(listTaskRuns, async (c) => {
    const { flowRunId, taskKey, limit = DEFAULT_PAGE_SIZE, offset = 0 } = c.req.valid("query");
    const runs = await service.readTaskRuns({
      ...(flowRunId === undefined ? {} : { flowRunId }),
      ...(taskKey === undefined ? {} : { taskKey }),
      limit: limit + 1,
      offset,
    });
    return c.json(toPage(runs, limit, offset), 200);
  });

  app.openapi(readTaskRun, async (c) => {
    const { id } = c.req.valid("param");
    const run = await service.readTaskRun(id);
    if (run === undefined) throw notFound("TASK_RUN_NOT_FOUND", `No task run has the id or id prefix "${id}".`, { taskRunId: id });
    return c.json(run, 200);
  });

  app.openapi(cacheCandidates, async (c) => {
    const { cacheKey, now, limit = 3 } = c.req.valid("query");
    return c.json({ items: await service.readCachedTaskRuns(cacheKey, now, limit) }, 200);
  });
}
