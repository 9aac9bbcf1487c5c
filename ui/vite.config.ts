// The web UI's build (`npm run build` runs it after tsc): Preact, JSX through Vite's oxc
// transform, output in dist/ui, which `cairn server start` serves at /.
// Development: `npx vite --config ui/vite.config.ts` proxies /api to a server on :4200.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: join(here, "..", "dist", "ui"),
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    // No preload polyfill: the page has one script, and everything it needs is in it.
    modulePreload: { polyfill: false },
  },
  server: { proxy: { "/api": "http://127.0.0.1:4200" } },
});
