import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { notFound } from "../api-errors.js";
import { ERROR_RESPONSES, ErrorSchema, json } from "../schemas/common-schemas.js";
import { TaskRunDetailsSchema } from "../schemas/view-schemas.js";

const readDetails = createRoute({
  method: "get",
  path: "/task-runs/{id}/details",
  tags: ["task runs"],
  summary: "A task run with its attempts, inputs, cache outcome, result reference and subflow run",
  request: { params: z.object({ id: z.string().min(1).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: {
    200: json(TaskRunDetailsSchema, "The task run and what its states tell."),
    404: json(ErrorSchema, "No task run has this id or id prefix."),
    409: json(ErrorSchema, "The prefix matches several task runs (AMBIGUOUS_ID)."),
    ...ERROR_RESPONSES,
  },
});

/**
 * Registers the task run details route.
 *
 * @example
 * ```ts
 * taskRunDetailsRoutes(api, { service }); // GET /task-runs/{id}/details
 * ```
 */
export function taskRunDetailsRoutes(app: ApiApp, { service }: RouteDeps): void {
  app.openapi(readDetails, async (c) => {
    const { id } = c.req.valid("param");
    const run = await service.readTaskRun(id);
    if (run === undefined) throw notFound("TASK_RUN_NOT_FOUND", `No task run has the id or id prefix "${id}".`, { taskRunId: id });
    return c.json(await service.readTaskRunDetails(run), 200);
  });
}
