import { z } from "@hono/zod-openapi";

/** The largest value of the 32-bit integer columns (`run_count`, `owner_pid`): PostgreSQL's `integer`. */
export const INT32_MAX = 2_147_483_647;

/** The state types of DESIGN §2. */
export const StateTypeSchema = z
  .enum(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED", "PAUSED"])
  .openapi("StateType");

/** A run, state or document id: non-empty text, at most 200 characters. */
export const IdSchema = z.string().min(1).max(200);

/**
 * An ISO-8601 UTC timestamp, as `Date#toISOString()` writes it (they sort as text): a `Z`
 * suffix, no offset, no leap second; fractions of a second optional.
 */
export const TimestampSchema = z.iso.datetime().openapi({
  example: "2024-01-01T12:00:00.000Z",
  pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?Z$",
});

/**
 * Text of at most `max` characters (names, keys).
 *
 * @example
 * ```ts
 * z.object({ name: textOf(500) });
 * ```
 */
export const textOf = (max: number) => z.string().max(max);

/** Who runs a run. */
export const RunOwnerSchema = z
  .object({
    host: z.string().min(1).max(255),
    pid: z.number().int().min(0).max(INT32_MAX),
    engineId: z.string().min(1).max(200),
  })
  .openapi("RunOwner");

/** The body of every error response. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "INVALID_REQUEST" }),
      message: z.string(),
      context: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi("Error");

/**
 * A non-negative integer given as query text.
 *
 * @example
 * ```ts
 * z.object({ limit: queryInt("limit", 1000) }); // "20" -> 20; "x" -> 400 naming query.limit
 * ```
 */
export const queryInt = (name: string, max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n <= max, `${name} must be at most ${max}`)
    .optional()
    .openapi({ param: { name, in: "query" }, type: "integer", minimum: 0, maximum: max });

/**
 * `true`/`false` (or `1`/`0`) given as query text; anything else is a 400 that names the
 * parameter and the values it accepts.
 *
 * @example
 * ```ts
 * z.object({ includeSecrets: queryBool("includeSecrets") }); // "true" -> true; "yes" -> 400
 * ```
 */
export const queryBool = (name: string) =>
  z
    .enum(["true", "false", "1", "0"], { error: `${name} must be true or false (or 1 or 0)` })
    .transform((v) => v === "true" || v === "1")
    .optional()
    .openapi({ param: { name, in: "query" }, type: "boolean" });

/** The error responses every authenticated route may give. */
export const ERROR_RESPONSES = {
  400: { description: "The request is malformed: the message names the field.", content: { "application/json": { schema: ErrorSchema } } },
  401: { description: "The API key is missing or wrong.", content: { "application/json": { schema: ErrorSchema } } },
} as const;

/**
 * A JSON response with `schema`.
 *
 * @example
 * ```ts
 * responses: { 200: json(FlowRunSchema, "The flow run.") }
 * ```
 */
export function json<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { "application/json": { schema } } };
}
