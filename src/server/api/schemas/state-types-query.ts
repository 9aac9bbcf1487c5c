import { z } from "@hono/zod-openapi";
import { StateTypeSchema } from "./common-schemas.js";

/** `stateTypes=FAILED,CRASHED`: comma-separated state types; an empty value matches nothing. */
export const StateTypesQuery = z
  .string()
  .transform((text, ctx) => {
    const types = text === "" ? [] : text.split(",");
    for (const type of types) {
      if (!StateTypeSchema.safeParse(type).success) {
        ctx.addIssue({ code: "custom", message: `unknown state type "${type}" (expected ${StateTypeSchema.options.join(", ")})` });
      }
    }
    return types as z.infer<typeof StateTypeSchema>[];
  })
  .optional()
  .openapi({
    param: { name: "stateTypes", in: "query" },
    description: "Comma-separated state types; an empty value matches nothing.",
    pattern: `^(?:(?:${StateTypeSchema.options.join("|")})(?:,(?:${StateTypeSchema.options.join("|")}))*)?$`,
    example: "FAILED,CRASHED",
  });
