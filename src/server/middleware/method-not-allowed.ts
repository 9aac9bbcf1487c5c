import type { NotFoundHandler } from "hono";
import { errorBody } from "../api/api-errors.js";
import { apiNotFound } from "./error-handler.js";

/**
 * A not-found handler that tells "no such path" (404) from "no such method on this path"
 * (405, with an `Allow` header listing the methods the path has), for the routes of `api`
 * mounted at `base`. Read the routes once every route is registered.
 *
 * @example
 * ```ts
 * app.route("/api", api);
 * app.notFound(methodNotAllowed(api, "/api"));
 * ```
 */
export function methodNotAllowed(api: { readonly routes: readonly { path: string; method: string }[] }, base: string): NotFoundHandler {
  const patterns = new Map<string, { regex: RegExp; methods: Set<string> }>();
  for (const route of api.routes) {
    if (route.method === "ALL") continue;
    const path = base + route.path;
    let entry = patterns.get(path);
    if (entry === undefined) {
      const source = path
        .split("/")
        .map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
      entry = { regex: new RegExp(`^${source}/?$`), methods: new Set() };
      patterns.set(path, entry);
    }
    entry.methods.add(route.method);
    if (route.method === "GET") entry.methods.add("HEAD");
  }
  return (c) => {
    // As in OpenAPI, a concrete path wins over templated ones (`/block-documents/anonymous` over `/block-documents/{id}`).
    const matching = [...patterns].filter(([, { regex }]) => regex.test(c.req.path));
    const concrete = matching.filter(([path]) => !path.includes("/:"));
    const allowed = new Set<string>();
    for (const [, { methods }] of concrete.length > 0 ? concrete : matching) for (const m of methods) allowed.add(m);
    if (allowed.size === 0 || allowed.has(c.req.method)) return apiNotFound(c);
    const allow = [...allowed].sort().join(", ");
    c.header("Allow", allow);
    return c.json(
      errorBody("METHOD_NOT_ALLOWED", `${c.req.path} does not answer ${c.req.method}: use ${allow}. See /api/openapi.json.`),
      405,
    );
  };
}
