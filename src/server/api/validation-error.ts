import type { ZodError } from "zod";

/** Where a request part is, in messages. */
const TARGET_NAMES: Record<string, string> = {
  json: "body",
  query: "query",
  param: "path",
  header: "header",
  form: "body",
  cookie: "cookie",
};

/**
 * The 400 body of a request that failed validation: the message names every offending
 * field by its path (`body.states.3.timestamp: Invalid ISO datetime`), at most five.
 *
 * @example
 * ```ts
 * return c.json(validationError("json", result.error), 400);
 * ```
 */
export function validationError(target: string, error: ZodError) {
  const where = TARGET_NAMES[target] ?? target;
  const issues = error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  const shown = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
  return {
    error: {
      code: "INVALID_REQUEST",
      message: `The request is invalid: ${shown.join("; ")}${more}.`,
      context: { issues: issues.slice(0, 50) },
    },
  };
}
