import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { ERROR_RESPONSES, IdSchema, json } from "../schemas/common-schemas.js";
import { FlowRunSchema, LogSchema, StateSchema, TaskRunSchema } from "../schemas/run-schemas.js";

/**
 * `POST /api/writes`: a burst of recorded changes, written in one transaction, at most once.
 *
 * @example
 * ```ts
 * WriteBatchSchema.parse({ batchId: "b-1", states: [state] }); // flowRuns, taskRuns, logs default to []
 * ```
 */
export const WriteBatchSchema = z
  .object({
    batchId: IdSchema.openapi({
      description: "Chosen by the client, unique per batch: a batch sent again with the same id is not written twice.",
    }),
    flowRuns: z.array(FlowRunSchema).default([]),
    taskRuns: z.array(TaskRunSchema).default([]),
    states: z.array(StateSchema).default([]),
    logs: z.array(LogSchema).default([]),
  })
  .openapi("WriteBatch");

const WriteOutcomeSchema = z
  .object({
    applied: z.boolean().openapi({ description: "False when this batch id had been applied before: nothing was written again." }),
    refused: z.number().int().openapi({ description: "Rows the database refused (dropped); the rest was written." }),
    errors: z.array(z.string()),
  })
  .openapi("WriteOutcome");

const writeBatch = createRoute({
  method: "post",
  path: "/writes",
  tags: ["writes"],
  summary: "Record a batch of run upserts, states and log lines (idempotent by batchId)",
  request: { body: { content: { "application/json": { schema: WriteBatchSchema } }, required: true } },
  responses: {
    200: json(WriteOutcomeSchema, "The batch is durable (or was already)."),
    ...ERROR_RESPONSES,
  },
});

/**
 * Registers the write routes.
 *
 * @example
 * ```ts
 * writeRoutes(api, { service }); // POST /writes
 * ```
 */
export function writeRoutes(app: ApiApp, { service }: RouteDeps): void {
  app.openapi(writeBatch, async (c) => {
    const { batchId, ...batch } = c.req.valid("json");
    const outcome = await service.writeBatch(batch, { batchId });
    return c.json(outcome, 200);
  });
}
