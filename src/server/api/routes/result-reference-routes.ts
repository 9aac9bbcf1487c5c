import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { ERROR_RESPONSES, json, queryInt } from "../schemas/common-schemas.js";

const ResultReferenceSchema = z
  .object({
    data: z.string().openapi({ description: "The JSON text of the reference, exactly as stored." }),
    storageKey: z.string(),
    storageBlockId: z.string().nullable(),
    expiration: z.string().nullable(),
    timestamp: z.string(),
    flowRunId: z.string().nullable(),
    taskRunId: z.string().nullable(),
  })
  .openapi("ResultReference");

const CursorSchema = z.object({ runId: z.string(), seq: z.number() }).openapi("ResultReferenceCursor");

const listReferences = createRoute({
  method: "get",
  path: "/result-references",
  tags: ["results"],
  summary: "The distinct result references recorded in states, a page at a time",
  request: {
    query: z.object({
      afterRunId: z.string().optional().openapi({ param: { name: "afterRunId", in: "query" } }),
      afterSeq: z
        .string()
        .regex(/^-?\d+$/, "afterSeq must be a whole number")
        .transform(Number)
        .optional()
        .openapi({ param: { name: "afterSeq", in: "query" }, type: "integer" }),
      limit: queryInt("limit", 5000).openapi({ description: "States scanned per page (default 500)." }),
    }),
  },
  responses: {
    200: json(
      z.object({ references: z.array(ResultReferenceSchema), next: CursorSchema.nullable() }).openapi("ResultReferencePage"),
      "A page; `next` is the cursor of the next one (null on the last page).",
    ),
    ...ERROR_RESPONSES,
  },
});

const forgetReferences = createRoute({
  method: "post",
  path: "/result-references/forget",
  tags: ["results"],
  summary: "Forget results whose data was deleted (states and task runs then hold a pruned marker)",
  request: {
    body: { content: { "application/json": { schema: z.object({ data: z.array(z.string()).max(100_000) }) } }, required: true },
  },
  responses: { 200: json(z.object({ changed: z.number().int() }), "How many rows changed."), ...ERROR_RESPONSES },
});

/**
 * Registers the result-reference routes (`cairn results prune` uses them).
 *
 * @example
 * ```ts
 * resultReferenceRoutes(api, { service });
 * ```
 */
export function resultReferenceRoutes(app: ApiApp, { service }: RouteDeps): void {
  app.openapi(listReferences, async (c) => {
    const { afterRunId, afterSeq, limit } = c.req.valid("query");
    const after = afterRunId === undefined || afterSeq === undefined ? undefined : { runId: afterRunId, seq: afterSeq };
    const page = await service.readResultReferences({
      ...(after === undefined ? {} : { after }),
      ...(limit === undefined ? {} : { limit }),
    });
    return c.json({ references: page.references, next: page.next ?? null }, 200);
  });

  app.openapi(forgetReferences, async (c) => {
    const { data } = c.req.valid("json");
    return c.json({ changed: await service.forgetResultReferences(data) }, 200);
  });
}
