import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

/** A built file of the UI, ready to send: its bytes, gzipped bytes and content type. */
export interface UiAsset {
  body: Uint8Array;
  gzipped: Uint8Array;
  contentType: string;
}

/**
 * The folder the web UI is built into (`npm run build` → `dist/ui`), found from this
 * module's location whether it runs compiled (`dist/server/ui/`) or from source
 * (`src/server/ui/`): the `dist/ui` folder of the package it belongs to.
 *
 * @example
 * ```ts
 * defaultUiAssetsDir(); // "/path/to/cairn/dist/ui"
 * ```
 */
export function defaultUiAssetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "dist", "ui");
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "ui");
}

/**
 * The built UI's files, read from disk once each and kept (gzipped too): they only
 * change with a new build, which needs a new server.
 *
 * @example
 * ```ts
 * const assets = new UiAssets(defaultUiAssetsDir());
 * assets.get("index.html")?.contentType; // "text/html; charset=utf-8"
 * ```
 */
export class UiAssets {
  readonly dir: string;
  readonly #cache = new Map<string, UiAsset | null>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Whether the UI is built (its index.html exists). */
  get built(): boolean {
    return existsSync(join(this.dir, "index.html"));
  }

  /**
   * The file at `path` (`index.html`, `assets/app-1a2b.js`), or undefined. Only plain
   * names under the folder are served: no `..`, no hidden files.
   */
  get(path: string): UiAsset | undefined {
    if (!/^(assets\/)?[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(path)) return undefined;
    let asset = this.#cache.get(path);
    if (asset === undefined) {
      const file = join(this.dir, path);
      asset = existsSync(file)
        ? (() => {
            const body = readFileSync(file);
            return { body, gzipped: gzipSync(body, { level: 9 }), contentType: CONTENT_TYPES[extname(file)] ?? "application/octet-stream" };
          })()
        : null;
      this.#cache.set(path, asset);
    }
    return asset ?? undefined;
  }
}
