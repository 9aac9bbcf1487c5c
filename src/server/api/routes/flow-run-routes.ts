import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { notFound } from "../api-errors.js";
import { ERROR_RESPONSES, ErrorSchema, TimestampSchema, json, queryInt } from "../schemas/common-schemas.js";
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
      tag: z.string().min(1).max(500).optional().openapi({ param: { name: "tag", in: "query" }, description: "Only runs with this tag (exact, case-sensitive)." }),
      createdAfter: TimestampSchema.optional().openapi({ param: { name: "createdAfter", in: "query" }, description: "Only runs created at or after this time." }),
      createdBefore: TimestampSchema.optional().openapi({ param: { name: "createdBefore", in: "query" }, description: "Only runs created before this time." }),
      after: z.string().min(1).max(200).optional().openapi({
        param: { name: "after", in: "query" },
        description:
          "Keyset paging: only runs listed after the flow run with this id (the last one of the previous page). " +
          "As fast on the thousandth page as on the first; offset then counts from there.",
      }),
      ...pageQuery,
    }),
  },
  responses: {
    200: json(pageOf(FlowRunSchema, "FlowRunPage"), "A page of flow runs."),
    404: json(ErrorSchema, "No flow run has the id given as after= (FLOW_RUN_NOT_FOUND)."),
    ...ERROR_RESPONSES,
  },
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

const listFlowNames = createRoute({
  method: "get",
  path: "/flow-names",
  tags: ["flow runs"],
  summary: "The names of the flows that have runs, alphabetically",
  request: { query: z.object({ limit: queryInt("limit", 10_000).openapi({ description: "At most this many (default 1000)." }) }) },
  responses: { 200: json(z.object({ items: z.array(z.string()) }).openapi("FlowNames"), "Flow names."), ...ERROR_RESPONSES },
});

/**
 * Registers the flow run routes.
 *
 * @example
 * ```ts
 * flowRunRoutes(api, { service }); // GET /flow-runs, GET /flow-runs/{id}, GET /flow-names
 * ```
 */
export function flowRunRoutes(app: ApiApp, { service }: RouteDeps): void {
  app.openapi(listFlowRuns, async (c) => {
    const { flowName, stateTypes, tag, createdAfter, createdBefore, after, limit = DEFAULT_PAGE_SIZE, offset = 0 } = c.req.valid("query");
    let position: { created: string; seq: number } | undefined;
    if (after !== undefined) {
      position = await service.readFlowRunPosition(after);
      if (position === undefined) {
        throw notFound("FLOW_RUN_NOT_FOUND", `No flow run has the id "${after}" (given as after=): pass the id of the last run of the previous page.`, { flowRunId: after });
      }
    }
    const runs = await service.readFlowRuns({
      ...(flowName === undefined ? {} : { flowName }),
      ...(stateTypes === undefined ? {} : { stateTypes }),
      ...(tag === undefined ? {} : { tag }),
      ...(createdAfter === undefined ? {} : { createdAfter }),
      ...(createdBefore === undefined ? {} : { createdBefore }),
      ...(position === undefined ? {} : { after: position }),
      limit: limit + 1,
      offset,
    });
    return c.json(toPage(runs, limit, offset), 200);
  });

  app.openapi(listFlowNames, async (c) => {
    const { limit = 1000 } = c.req.valid("query");
    return c.json({ items: await service.readFlowNames(limit) }, 200);
  });

  app.openapi(readFlowRun, async (c) => {
    const { id } = c.req.valid("param");
    const run = await service.readFlowRun(id);
    if (run === undefined) throw notFound("FLOW_RUN_NOT_FOUND", `No flow run has the id or id prefix "${id}".`, { flowRunId: id });
    return c.json(run, 200);
  });
}

