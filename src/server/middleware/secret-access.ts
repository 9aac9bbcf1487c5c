import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import type { ApiEnv } from "../api/api-app.js";

/**
 * Decides, per request, whether block secrets may be revealed to it
 * (`?includeSecrets=true`): always when the server requires an API key (the request got
 * past the key check), else only for a client on the server's own machine (loopback),
 * so that a server opened to the network without a key never hands out credentials.
 *
 * @example
 * ```ts
 * app.use("/api/*", secretAccess({ keyRequired: apiKey !== undefined }));
 * ```
 */
export function secretAccess(options: { keyRequired: boolean }): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    c.set("mayRevealSecrets", options.keyRequired || isLoopback(c));
    return next();
  };
}

function isLoopback(c: Context): boolean {
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    return false; // not a Node request (e.g. app.request() in a test): not known to be local
  }
  if (address === undefined) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
