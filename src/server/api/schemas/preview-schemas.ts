import { z } from "@hono/zod-openapi";
import { orNull, ResultReferenceViewSchema, StorageBlockViewSchema } from "./view-schemas.js";

const NodeTypeSchema = z
  .enum(["object", "array", "map", "set", "string", "number", "bigint", "boolean", "null", "undefined", "date", "binary", "error", "other"])
  .openapi("PreviewNodeType");

/** `PreviewNode`: a node of a value tree, pointing to its container. */
export const PreviewNodeSchema = z
  .object({
    id: z.number().int(),
    parent: z.number().int().openapi({ description: "The index of its container in `nodes`; -1 for the root." }),
    key: z.string().nullable(),
    type: NodeTypeSchema,
    text: z.string(),
    size: z.number().int().optional(),
    more: z.number().int().optional().openapi({ description: "Entries of the container not included." }),
  })
  .openapi("PreviewNode");

const CellSchema = z.object({ text: z.string(), type: NodeTypeSchema }).openapi("PreviewCell");

/** What the preview shows: a value (tree, table, binary summary, text), a literal, or why there is none. */
export const PreviewBodySchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("tree"), nodes: z.array(PreviewNodeSchema), truncated: z.boolean() }),
    z.object({
      kind: z.literal("table"),
      columns: z.array(z.string()),
      rows: z.array(z.array(CellSchema)),
      totalRows: z.number().int(),
      truncated: z.boolean(),
    }),
    z.object({
      kind: z.literal("binary"),
      type: z.string(),
      length: z.number().int(),
      byteLength: z.number().int(),
      first: z.array(z.string()),
    }),
    z.object({ kind: z.literal("text"), text: z.string(), length: z.number().int(), truncated: z.boolean() }),
    z.object({ kind: z.literal("literal"), value: z.union([z.boolean(), z.literal("undefined")]).nullable() }),
    z.object({ kind: z.literal("none"), message: z.string() }),
    z.object({ kind: z.literal("too-large"), size: z.number().int(), maxBytes: z.number().int(), message: z.string() }),
    z.object({ kind: z.literal("error"), code: z.string(), message: z.string() }),
  ])
  .openapi("PreviewBody");

/** `BlobHead`: a blob's fields but its data. */
const BlobHeadSchema = z
  .object({
    formatVersion: z.number().int().nullable(),
    serializer: z.string().nullable(),
    createdAt: z.string().nullable(),
    expiration: z.string().nullable(),
    cairnVersion: z.string().nullable(),
    integrity: z.string().nullable(),
    layout: z.string(),
  })
  .openapi("BlobHead");

/** `ResultPreview`. */
export const ResultPreviewSchema = z
  .object({
    reference: orNull(ResultReferenceViewSchema),
    storageBlock: orNull(StorageBlockViewSchema),
    storage: z.string().nullable().openapi({ description: "The storage's label, e.g. `local-file-system at /srv/results`." }),
    size: z.number().int().nullable(),
    blob: orNull(BlobHeadSchema),
    integrity: z.enum(["verified", "failed", "unchecked"]).openapi({
      description: "verified: the SDK reader's checks passed (and the blob is the one the reference names); failed: the blob was refused and no value is sent.",
    }),
    preview: PreviewBodySchema,
  })
  .openapi("ResultPreview");
