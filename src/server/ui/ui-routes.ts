import type { Context, Env, Hono } from "hono";
import { cairnVersion } from "../../results/blob/cairn-version.js";
import type { UiAsset, UiAssets } from "./ui-assets.js";

/**
 * What the UI page may load: only this server (no CDN, no web fonts, no other origin),
 * and inline images only as `data:` URLs.
 */
export const UI_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const NOT_BUILT_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Cairn</title></head><body>
<h1>The Cairn web UI is not built</h1>
<p>This server found no UI files. Build them with <code>npm run build</code> in the Cairn package, then restart the server.
The API is served at <a href="/api/openapi.json">/api</a>.</p></body></html>`;

/**
 * Serves the web UI: `index.html` at `/` (and `/index.html`), its built files under
 * `/assets/`, with a Content-Security-Policy that keeps the page on this server. The
 * files hold no data (they are the same for everyone), so they need no API key; every
 * piece of data the page shows comes from `/api`, which does.
 *
 * A request for `/` that asks for JSON only gets the server's name and version, as before the UI.
 *
 * @example
 * ```ts
 * uiRoutes(app, new UiAssets(defaultUiAssetsDir()));
 * ```
 */
export function uiRoutes<E extends Env>(app: Hono<E>, assets: UiAssets): void {
  const page = (c: Context<E>) => {
    const accept = c.req.header("accept") ?? "";
    if (accept.includes("application/json") && !accept.includes("text/html")) {
      return c.json({ name: "cairn server", version: cairnVersion(), api: "/api", openapi: "/api/openapi.json", ui: "/" });
    }
    const index = assets.get("index.html");
    if (index === undefined) return c.html(NOT_BUILT_PAGE, 503);
    return send(c, index, "no-cache");
  };
  app.get("/", page);
  app.get("/index.html", page);
  app.get("/assets/:name", (c) => {
    const asset = assets.get(`assets/${c.req.param("name")}`);
    if (asset === undefined) return c.text("Not found", 404);
    // Built file names carry a hash of their content: they never change under one name.
    return send(c, asset, "public, max-age=31536000, immutable");
  });
}

function send(c: Context<any>, asset: UiAsset, cacheControl: string): Response {
  const gzip = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
  const headers: Record<string, string> = {
    "content-type": asset.contentType,
    "cache-control": cacheControl,
    "content-security-policy": UI_CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    vary: "accept-encoding",
  };
  if (gzip) headers["content-encoding"] = "gzip";
  return c.body((gzip ? asset.gzipped : asset.body) as Uint8Array<ArrayBuffer>, 200, headers);
}
