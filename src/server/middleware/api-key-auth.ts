import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { errorBody } from "../api/api-errors.js";

/** Paths served without a key. */
const OPEN_PATHS = new Set(["/api/health"]);

/**
 * Refuses every request but `GET /api/health` that does not carry
 * `Authorization: Bearer <key>`, with 401 and a JSON error. Keys are compared in constant
 * time (as SHA-256 digests, so their lengths do not leak either).
 *
 * @param key the server's `CAIRN_SERVER_API_KEY`.
 * @example
 * ```ts
 * app.use("/api/*", apiKeyAuth(settings.get("CAIRN_SERVER_API_KEY")!));
 * ```
 */
export function apiKeyAuth(key: string): MiddlewareHandler {
  const expected = digest(key);
  return async (c, next) => {
    if (OPEN_PATHS.has(c.req.path)) return next();
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null || !timingSafeEqual(digest(match[1] ?? ""), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="cairn"');
      const problem = match === null ? "no API key was sent" : "the API key is wrong";
      return c.json(
        errorBody(
          "UNAUTHORIZED",
          `This Cairn server needs an API key and ${problem}. Send "Authorization: Bearer <key>" ` +
            "(Cairn clients send the CAIRN_API_KEY setting).",
        ),
        401,
      );
    }
    return next();
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
