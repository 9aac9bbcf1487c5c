import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { notFound } from "../api-errors.js";
import { ERROR_RESPONSES, ErrorSchema, json } from "../schemas/common-schemas.js";
import { DEFAULT_PAGE_SIZE, pageOf, pageQuery, toPage } from "../schemas/page-schemas.js";
import { FlowRunSchema } from "../schemas/run-schemas.js";
import { StateTypesQuery } from "../schemas/state-types-query.js";

const listFlowRuns = createRoute({
  method: "get",
  path: "/flow-runs",
  tags: ["flow runs"],
  summary: "List flow runs, newest first",
  request: {
    query: z.object({
      flowName: z.string().optional().openapi({ param: { name: "flowName", in: "query" } }),
      stateTypes: StateTypesQuery,
      ...pageQuery,
    }),
  },
  responses: { 200: json(pageOf(FlowRunSchema, "FlowRunPage"), "A page of flow runs."), ...ERROR_RESPONSES },
});

const readFlowRun = createRoute({
  method: "get",
  path: "/flow-runs/{id}",
  tags: ["flow runs"],
  summary: "Read a flow run by id or unique id prefix",
  request: { params: z.object({ id: z.string().min(1).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: {
    200: json(FlowRunSchema, "The flow run."),
    404: json(ErrorSchema, "No flow run has this id or id prefix."),
    409: json(ErrorSchema, "The prefix matches several flow runs (AMBIGUOUS_ID)."),
    ...ERROR_RESPONSES,
  },
});

/**
 * Registers the flow run routes.
 *
 * @example
 * ```ts
 * flowRunRoutes(api, { service }); // GET /flow-runs, GET /flow-runs/{id}
 * ```
 */
export function flowRunRoutes(app: ApiApp, { service }: RouteDeps): void {
  app.openapi(listFlowRuns, async (c) => {
    const { flowName, stateTypes, limit = DEFAULT_PAGE_SIZE, offset = 0 } = c.req.valid("query");
    const runs = await service.readFlowRuns({
      ...(flowName === undefined ? {} : { flowName }),
      ...(stateTypes === undefined ? {} : { stateTypes }),
      limit: limit + 1,
      offset,
    });
    return c.json(toPage(runs, limit, offset), 200);
  });

  app.openapi(readFlowRun, async (c) => {
    const { id } = c.req.valid("param");
    const run = await service.readFlowRun(id);
    if (run === undefined) throw notFound("FLOW_RUN_NOT_FOUND", `No flow run has the id or id prefix "${id}".`, { flowRunId: id });
    return c.json(run, 200);
  });
}

