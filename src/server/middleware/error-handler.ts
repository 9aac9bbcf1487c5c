import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { isCairnError } from "../../errors/cairn-error.js";
import { errorBody, errorStatus } from "../api/api-errors.js";

/**
 * Turns what a handler throws into a JSON error: Cairn errors keep their code, message
 * and context (4xx when the client can fix it), Hono's own (malformed JSON, ...) keep
 * their status; anything else is a 500 whose detail goes to the server's log only.
 *
 * @example
 * ```ts
 * app.onError(apiErrorHandler((line) => process.stderr.write(line)));
 * ```
 */
export function apiErrorHandler(log: (line: string) => void): ErrorHandler {
  return (err, c) => {
    if (err instanceof HTTPException) {
      const status = err.status;
      if (status === 415) {
        return c.json(
          errorBody("UNSUPPORTED_MEDIA_TYPE", "The request body must be JSON: send it with Content-Type: application/json."),
          status,
        );
      }
      const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status === 400 ? "INVALID_REQUEST" : "HTTP_ERROR";
      return c.json(errorBody(code, err.message || "The request could not be handled."), status);
    }
    if ((err as { code?: unknown }).code === "ECONNRESET") {
      // The client closed the connection before its request was read (Node's "aborted"): nobody
      // gets this answer, and it is no failure of the server's.
      return c.json(errorBody("REQUEST_ABORTED", "The client closed the connection before the request was read."), 400);
    }
    const status = errorStatus(err);
    if (isCairnError(err) && status < 500) {
      return c.json(errorBody(err.code, err.message, err.context), status);
    }
    const message = err instanceof Error ? err.message : String(err);
    log(`cairn server: ${c.req.method} ${c.req.path} failed: ${err instanceof Error ? (err.stack ?? message) : message}\n`);
    const code = isCairnError(err) ? err.code : "INTERNAL_ERROR";
    return c.json(errorBody(code, `The server could not handle the request: ${message}`), 500);
  };
}

/**
 * 404 for paths the API does not have.
 *
 * @example
 * ```ts
 * app.notFound(apiNotFound);
 * ```
 */
export const apiNotFound: NotFoundHandler = (c) =>
  c.json(errorBody("NOT_FOUND", `The API has no route ${c.req.method} ${c.req.path}. See /api/openapi.json.`), 404);
