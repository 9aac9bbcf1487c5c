import { createRoute, z } from "@hono/zod-openapi";
import { parseResultReference } from "../../../database/views/result-reference-view.js";
import { CairnError } from "../../../errors/cairn-error.js";
import type { PreviewPolicy } from "../../preview/preview-policy.js";
import { ResultPreviewReader } from "../../preview/result-preview-reader.js";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { notFound } from "../api-errors.js";
import { ERROR_RESPONSES, ErrorSchema, IdSchema, json } from "../schemas/common-schemas.js";
import { ResultPreviewSchema } from "../schemas/preview-schemas.js";

const readPreview = createRoute({
  method: "get",
  path: "/runs/{runId}/result",
  tags: ["results"],
  summary: "Preview the current result of a flow run or task run: read from its storage with the SDK's checks and deserializers",
  description:
    "The value is described, bounded (a tree, a table of the first 100 records, a binary summary, or text), never sent " +
    "when its blob fails an integrity check, and not loaded when the blob is larger than " +
    "CAIRN_SERVER_RESULT_PREVIEW_MAX_BYTES. Answers 403 when CAIRN_SERVER_RESULT_PREVIEW turns preview off " +
    "(by default, when the server does not listen on a loopback address).",
  request: { params: z.object({ runId: IdSchema.openapi({ param: { name: "runId", in: "path" } }) }) },
  responses: {
    200: json(ResultPreviewSchema, "The result's reference, its blob's head and integrity status, and the preview."),
    403: json(ErrorSchema, "Result preview is off on this server (RESULT_PREVIEW_DISABLED); the message names CAIRN_SERVER_RESULT_PREVIEW."),
    404: json(ErrorSchema, "No run has this id."),
    ...ERROR_RESPONSES,
  },
});

/**
 * Registers the result preview route.
 *
 * @example
 * ```ts
 * resultPreviewRoutes(api, { service, preview: { enabled: true, maxBytes: 10 << 20 } }); // GET /runs/{runId}/result
 * ```
 */
export function resultPreviewRoutes(app: ApiApp, { service, preview }: RouteDeps & { preview: PreviewPolicy }): void {
  const reader = new ResultPreviewReader(service, { maxBytes: preview.maxBytes });
  app.openapi(readPreview, async (c) => {
    if (!preview.enabled) {
      throw new CairnError("RESULT_PREVIEW_DISABLED", preview.disabledReason ?? "Result preview is off (CAIRN_SERVER_RESULT_PREVIEW=false).");
    }
    const { runId } = c.req.valid("param");
    const states = await service.readStates(runId);
    const current = states.at(-1);
    if (current === undefined) throw notFound("RUN_NOT_FOUND", `No flow run or task run has the id "${runId}".`, { runId });
    const kind = current.taskRunId === null ? "flow run" : "task run";
    return c.json(await reader.read(parseResultReference(current.data), `the ${kind} ${runId}`), 200);
  });
}
