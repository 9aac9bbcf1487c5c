import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { notFound } from "../api-errors.js";
import { ERROR_RESPONSES, ErrorSchema, json } from "../schemas/common-schemas.js";
import { FlowRunTimelineSchema } from "../schemas/view-schemas.js";

const readTimeline = createRoute({
  method: "get",
  path: "/flow-runs/{id}/timeline",
  tags: ["flow runs"],
  summary: "A flow run's task runs, oldest first, each with its attempts and subflow run (the UI's timeline)",
  request: { params: z.object({ id: z.string().min(1).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: {
    200: json(FlowRunTimelineSchema, "The timeline."),
    404: json(ErrorSchema, "No flow run has this id or id prefix."),
    409: json(ErrorSchema, "The prefix matches several flow runs (AMBIGUOUS_ID)."),
    ...ERROR_RESPONSES,
  },
});

/**
 * Registers the timeline route.
 *
 * @example
 * ```ts
 * timelineRoutes(api, { service }); // GET /flow-runs/{id}/timeline
 * ```
 */
export function timelineRoutes(app: ApiApp, { service }: RouteDeps): void {
  app.openapi(readTimeline, async (c) => {
    const { id } = c.req.valid("param");
    const run = await service.readFlowRun(id);
    if (run === undefined) throw notFound("FLOW_RUN_NOT_FOUND", `No flow run has the id or id prefix "${id}".`, { flowRunId: id });
    return c.json(await service.readFlowRunTimeline(run.id), 200);
  });
}
