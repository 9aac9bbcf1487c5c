// npm run ui:screenshots: regenerates the screenshots of docs/ui/ (shown in README.md and
// docs/ui.md). Runs the UI's example flows in a fresh CAIRN_HOME, starts a real server on
// a free port, and photographs each page in headless Chromium.
// Usage: node --import tsx scripts/ui-screenshots.ts [out-dir]   (default docs/ui; needs `npm run build` first)
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../src/server/index.js";
import { launchChromium } from "../test/ui/support/browser.js";
import { uiStore } from "../test/ui/support/ui-store.js";
import { flow, task } from "../src/index.js";

const out = process.argv[2] ?? "docs/ui";
mkdirSync(out, { recursive: true });

const store = await uiStore();
// A few more runs, so that the list looks like a working day.
const hourly = flow({ name: "refresh-dashboards", tags: ["hourly"] }, async (n: number) => {
  for (let i = 0; i < n; i++) await task({ name: "render-chart" }, (k: number) => k * 2)(i);
});
for (let i = 0; i < 6; i++) await store.t.engine.run(() => hourly(3 + i));
// A cache with each kind of miss: no entry yet, expired, refreshed; and hits.
const geocode = task({ name: "geocode", cacheKeyFn: (_c, [city]) => `geo-${String(city)}`, cacheExpirationSeconds: 0.3, resultSerializer: "json" }, (city: string) => ({ city, lat: 48.85, lon: 2.35 }));
const lookup = flow({ name: "geocode-addresses", tags: ["hourly"] }, async (refresh: boolean) => {
  await (refresh ? geocode.withOptions({ refreshCache: true, cacheExpirationSeconds: 86_400 }) : geocode)("Paris");
  await geocode("Paris");
});
await store.t.engine.run(() => lookup(false));
await new Promise((r) => setTimeout(r, 400));
await store.t.engine.run(() => lookup(false));
await store.t.engine.run(() => lookup(true));
await (await store.t.engine.client()).flush();

const server = await startServer({ settings: store.settings(), host: "127.0.0.1", port: 0, log: () => undefined });
const chromium = await launchChromium();
try {
  const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1, colorScheme: "light" });
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  const shoot = async (name: string, hash: string, ready: string, fullPage = false) => {
    await page.goto(`${server.url}/${hash}`);
    await page.waitForSelector(ready);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(out, `${name}.png`), fullPage });
    process.stdout.write(`wrote ${join(out, `${name}.png`)}\n`);
  };
  const { runs } = store;
  await shoot("flow-runs", "#/flow-runs", "table.flow-runs");
  await shoot("flow-run", `#/flow-runs/${runs.pipelineRunId}`, ".timeline-rows[data-rendered]");
  await shoot("failed-run", `#/flow-runs/${runs.failedRunId}`, ".run-error");
  await shoot("task-run-records", `#/task-runs/${runs.recordsTaskRunId}`, ".records-table");
  await shoot("task-run-tree", `#/task-runs/${runs.objectTaskRunId}`, ".json-tree");
  await shoot("task-run-retried", `#/task-runs/${runs.retriedTaskRunId}`, "table.attempts");
  await shoot("integrity-error", `#/task-runs/${runs.tamperedTaskRunId}`, ".integrity-error");
  await shoot("cache", `#/caches/${encodeURIComponent(geocode.taskKey)}`, "table.cache-misses");
  await shoot("blocks", "#/blocks", "table.blocks");
  await shoot("settings", "#/settings", "table.settings");
  if (errors.length > 0) throw new Error(`The pages logged errors:\n${errors.join("\n")}`);
} finally {
  await chromium.close();
  await server.close();
  await store.cleanup();
}
