// The browser tests need the built UI (dist/ui, made by `npm run build`): build it when it
// is missing or older than the UI's sources, so `node scripts/run-tests.mjs test/ui` works alone.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..", "..");

function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/** Makes sure dist/ui holds a build of the current ui/ sources. */
export function ensureBuiltUi(): void {
  const index = join(ROOT, "dist", "ui", "index.html");
  const sources = Math.max(newest(join(ROOT, "ui", "src")), statSync(join(ROOT, "ui", "index.html")).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const vite = join(ROOT, "node_modules", "vite", "bin", "vite.js");
  const built = spawnSync(process.execPath, [vite, "build", "--config", join(ROOT, "ui", "vite.config.ts")], { cwd: ROOT, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`Building the UI failed (npm run build):\n${built.stdout}\n${built.stderr}`);
}
