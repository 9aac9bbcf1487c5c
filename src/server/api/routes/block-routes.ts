import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { SECRET_MASK } from "../../../blocks/secret-str.js";
import { CairnError } from "../../../errors/cairn-error.js";
import { ConfigurationError } from "../../../errors/configuration-error.js";
import type { ApiApp, ApiEnv, RouteDeps } from "../api-app.js";
import { notFound } from "../api-errors.js";
import { ANONYMOUS_NAME_PREFIX, MAX_BLOCK_NAME_LENGTH, assertBlockName, assertBlockTypeSlug } from "../../../blocks/block-name.js";
import { ERROR_RESPONSES, ErrorSchema, IdSchema, json, queryBool, textOf } from "../schemas/common-schemas.js";

const BlockDocumentSchema = z
  .object({
    id: IdSchema,
    blockTypeSlug: z.string(),
    name: z.string(),
    data: z.record(z.string(), z.unknown()).openapi({ description: 'The fields; secret fields read "********" unless includeSecrets=true.' }),
    secretFields: z.array(z.string()),
    isAnonymous: z.boolean(),
    created: z.string(),
    updated: z.string(),
  })
  .openapi("BlockDocument");

const FieldsSchema = {
  data: z.record(z.string(), z.unknown()).openapi({
    description: `The fields, as JSON. No field may hold the mask "${SECRET_MASK}" (what a masked read shows): give real values.`,
    additionalProperties: { not: { type: "string", enum: [SECRET_MASK] } },
  }),
  secretFields: z.array(textOf(200)).max(200).default([]),
};

/** Block names and type slugs as `assertBlockName` accepts them (the handlers check with its messages). */
const NAME_RULE = { pattern: "^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", maxLength: MAX_BLOCK_NAME_LENGTH };

const slugParams = z.object({
  slug: z.string().min(1).max(200).openapi({ param: { name: "slug", in: "path" }, example: "s3", ...NAME_RULE }),
  name: z.string().min(1).max(200).openapi({ param: { name: "name", in: "path" }, example: "prod", ...NAME_RULE }),
});

/** A document's own name: the rule, and not the prefix kept for anonymous documents. */
const savedNameParams = slugParams.extend({
  name: z
    .string()
    .min(1)
    .max(200)
    .openapi({
      param: { name: "name", in: "path" },
      example: "prod",
      ...NAME_RULE,
      pattern: `^(?!${ANONYMOUS_NAME_PREFIX})[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`,
      description: `Lowercase letters, digits and dashes (not at either end), at most ${MAX_BLOCK_NAME_LENGTH} characters, not starting with "${ANONYMOUS_NAME_PREFIX}".`,
    }),
});

const includeSecrets = z.object({
  includeSecrets: queryBool("includeSecrets").openapi({
    description:
      "Return secret fields in clear. Allowed when the server has CAIRN_SERVER_API_KEY set (the request is " +
      "authenticated), or for a client on the server's own machine; 403 otherwise.",
  }),
});

const FORBIDDEN = { 403: json(ErrorSchema, "Secrets were asked for, and this request may not read them (SECRETS_FORBIDDEN).") };

const listTypes = createRoute({
  method: "get",
  path: "/block-types",
  tags: ["blocks"],
  summary: "The block types that have saved documents",
  responses: {
    200: json(
      z.object({ items: z.array(z.object({ slug: z.string(), documents: z.number().int() })) }).openapi("BlockTypes"),
      "Block type slugs with their number of named documents.",
    ),
    ...ERROR_RESPONSES,
  },
});

const listDocuments = createRoute({
  method: "get",
  path: "/block-documents",
  tags: ["blocks"],
  summary: "List block documents (secrets always masked), by type then name",
  request: {
    query: z.object({
      blockTypeSlug: z.string().optional().openapi({ param: { name: "blockTypeSlug", in: "query" } }),
      includeAnonymous: queryBool("includeAnonymous"),
      includeSecrets: queryBool("includeSecrets").openapi({
        enum: [false],
        description:
          "Listings never include secrets: false (or absent) is the only value served; true is refused with 400 " +
          "(SECRETS_NOT_LISTED). Read one document with includeSecrets=true instead.",
      }),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(BlockDocumentSchema) }).openapi("BlockDocuments"), "The documents."),
    ...ERROR_RESPONSES,
  },
});

const readById = createRoute({
  method: "get",
  path: "/block-documents/{id}",
  tags: ["blocks"],
  summary: "Read a block document by id",
  request: { params: z.object({ id: IdSchema.openapi({ param: { name: "id", in: "path" } }) }), query: includeSecrets },
  responses: {
    200: json(BlockDocumentSchema, "The document."),
    404: json(ErrorSchema, "No document has this id."),
    ...FORBIDDEN,
    ...ERROR_RESPONSES,
  },
});

const readBySlug = createRoute({
  method: "get",
  path: "/block-types/{slug}/block-documents/{name}",
  tags: ["blocks"],
  summary: "Read the block document slug/name",
  request: { params: slugParams, query: includeSecrets },
  responses: {
    200: json(BlockDocumentSchema, "The document."),
    404: json(ErrorSchema, "No document has this slug."),
    ...FORBIDDEN,
    ...ERROR_RESPONSES,
  },
});

const save = createRoute({
  method: "put",
  path: "/block-types/{slug}/block-documents/{name}",
  tags: ["blocks"],
  summary: "Save a block document (secret fields encrypted at rest)",
  request: {
    params: savedNameParams,
    body: {
      content: {
        "application/json": {
          schema: z
            .object({ ...FieldsSchema, overwrite: z.boolean().default(false) })
            .openapi("BlockDocumentInput"),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(BlockDocumentSchema, "The saved document (secrets masked)."),
    409: json(
      ErrorSchema,
      "The name is taken and overwrite was not true (BLOCK_ALREADY_EXISTS), or it starts with \"anonymous-\", kept for " +
        "anonymous documents (BLOCK_NAME_RESERVED).",
    ),
    ...ERROR_RESPONSES,
  },
});

const saveAnonymous = createRoute({
  method: "post",
  path: "/block-documents/anonymous",
  tags: ["blocks"],
  summary: "Save an anonymous document, or return the one saved for an equal configuration",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z
            .object({ blockTypeSlug: z.string().min(1).max(200).openapi(NAME_RULE), ...FieldsSchema })
            .openapi("AnonymousBlockDocumentInput"),
        },
      },
      required: true,
    },
  },
  responses: { 200: json(BlockDocumentSchema, "The document (secrets masked)."), ...ERROR_RESPONSES },
});

const remove = createRoute({
  method: "delete",
  path: "/block-types/{slug}/block-documents/{name}",
  tags: ["blocks"],
  summary: "Delete the block document slug/name",
  request: { params: slugParams },
  responses: {
    200: json(z.object({ deleted: z.boolean() }).openapi("DeleteOutcome"), "Whether there was a document to delete."),
    ...ERROR_RESPONSES,
  },
});

/**
 * Registers the block type and block document routes.
 *
 * @example
 * ```ts
 * const api = newApiApp();
 * blockRoutes(api, { service });
 * ```
 */
export function blockRoutes(app: ApiApp, { service }: RouteDeps): void {
  const blocks = service.blocks;

  app.openapi(listTypes, async (c) => {
    const counts = new Map<string, number>();
    for (const doc of await blocks.list({ includeAnonymous: true })) {
      counts.set(doc.blockTypeSlug, (counts.get(doc.blockTypeSlug) ?? 0) + (doc.isAnonymous ? 0 : 1));
    }
    return c.json({ items: [...counts].map(([slug, documents]) => ({ slug, documents })) }, 200);
  });

  app.openapi(listDocuments, async (c) => {
    const { blockTypeSlug, includeAnonymous, includeSecrets: withSecrets } = c.req.valid("query");
    if (withSecrets === true) {
      throw new CairnError(
        "SECRETS_NOT_LISTED",
        "Block listings never include secrets, so includeSecrets=true is refused here. Read one document with its " +
          "secrets: GET /api/block-types/{slug}/block-documents/{name}?includeSecrets=true (or /api/block-documents/{id}?includeSecrets=true).",
        { context: { parameter: "includeSecrets" } },
      );
    }
    const items = await blocks.list({
      ...(blockTypeSlug === undefined ? {} : { blockTypeSlug }),
      ...(includeAnonymous === undefined ? {} : { includeAnonymous }),
    });
    return c.json({ items }, 200);
  });

  app.openapi(readById, async (c) => {
    const { id } = c.req.valid("param");
    const options = secretOptions(c, c.req.valid("query").includeSecrets);
    const doc = await blocks.readById(id, options);
    if (doc === undefined) throw notFound("BLOCK_NOT_FOUND", `No block document has the id "${id}".`, { id });
    return c.json(doc, 200);
  });

  app.openapi(readBySlug, async (c) => {
    const { slug, name } = c.req.valid("param");
    const options = secretOptions(c, c.req.valid("query").includeSecrets);
    const doc = await blocks.read(slug, name, options);
    if (doc === undefined) {
      throw notFound("BLOCK_NOT_FOUND", `No block is saved as ${slug}/${name}.`, { blockTypeSlug: slug, name });
    }
    return c.json(doc, 200);
  });

  app.openapi(save, async (c) => {
    const { slug, name } = c.req.valid("param");
    const { data, secretFields, overwrite } = c.req.valid("json");
    assertNoMask(`${slug}/${name}`, data);
    const doc = await blocks.save({ blockTypeSlug: slug, name, data, secretFields }, { overwrite });
    return c.json(doc, 200);
  });

  app.openapi(saveAnonymous, async (c) => {
    const { blockTypeSlug, data, secretFields } = c.req.valid("json");
    assertNoMask(`${blockTypeSlug} (anonymous)`, data);
    return c.json(await blocks.saveAnonymous({ blockTypeSlug, name: "", data, secretFields }), 200);
  });

  app.openapi(remove, async (c) => {
    const { slug, name } = c.req.valid("param");
    assertBlockTypeSlug(slug);
    assertBlockName(name, { allowAnonymous: true });
    return c.json({ deleted: await blocks.delete(slug, name) }, 200);
  });
}

/** A field holding the mask comes from a masked read: refuse it, whichever field it is. */
function assertNoMask(label: string, data: Record<string, unknown>): void {
  const field = Object.keys(data).find((key) => data[key] === SECRET_MASK);
  if (field === undefined) return;
  throw new ConfigurationError(
    `The field ${field} of block ${label} holds the mask "${SECRET_MASK}", not a value: the configuration was read with ` +
      "its secrets masked. Give the real value.",
    { context: { field } },
  );
}

/** The read options of a request, refusing secrets to a request that may not read them. */
function secretOptions(c: Context<ApiEnv>, include: boolean | undefined): { includeSecrets: boolean } {
  if (include !== true) return { includeSecrets: false };
  if (!c.get("mayRevealSecrets")) {
    throw new CairnError(
      "SECRETS_FORBIDDEN",
      "Reading block secrets over the API needs CAIRN_SERVER_API_KEY to be set on the server (and sent by the " +
        "client as CAIRN_API_KEY), unless the client runs on the server's own machine.",
    );
  }
  return { includeSecrets: true };
}
