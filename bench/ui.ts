// The web UI with a big history: 100,000 flow runs and one flow run of 10,000 task runs.
// Server time (the API app called in-process, no network) for the first page of the runs
// list, filtered pages, a deep page by keyset and by offset, and the 10,000-task timeline,
// against GET /api/health in the same run; then Chromium's time to render the runs list and
// the timeline (navigation start to the page's first paint with data, read from performance
// marks), against a 10-task timeline in the same run. Goals: list API < 50 ms, timeline
// rendered < 1 s.
// Run: npm run bench (or: node --import tsx bench/ui.ts; needs the built UI: npm run build).
import { hostname } from "node:os";
import { SecretKeySource } from "../src/blocks/secrets/secret-key-source.js";
import { openMetadataService } from "../src/database/service/open-metadata-service.js";
import { flow, task } from "../src/index.js";
import type { FlowRunRecord, StateRecord, StateType } from "../src/records/index.js";
import { createServerApp } from "../src/server/create-server-app.js";
import { startServer } from "../src/server/start-server.js";
import { createTestEngine } from "../src/testing/index.js";
import { launchChromium } from "../test/ui/support/browser.js";
import { ensureBuiltUi } from "../test/ui/support/built-ui.js";

const FLOW_RUNS = Number(process.env.BENCH_UI_FLOW_RUNS ?? 100_000);
const TASKS = Number(process.env.BENCH_UI_TASKS ?? 10_000);

ensureBuiltUi();
const t = createTestEngine({ CAIRN_TEST_BACKEND: "embedded" });
const settings = t.engine.settings;

// 1. The 10,000-task flow run, run for real (every 10th task fails once and is retried), and a 10-task one.
let attempt = 0;
const step = task({ name: "step", retries: 1, retryDelaySeconds: 0, persistResult: false }, (i: number) => {
  if (i % 10 === 0 && attempt++ % 2 === 0) throw new Error(`step ${i} failed once`);
  return i;
});
const big = flow({ name: "ten-thousand-tasks" }, async (n: number) => {
  const futures = step.map(Array.from({ length: n }, (_, i) => i));
  for (const f of futures) await f.wait();
});
const seedStart = Date.now();
await t.engine.run(() => big(TASKS));
await t.engine.run(() => big(10));
await (await t.engine.client()).flush();
const client = await t.engine.client();
const [smallRun, bigRun] = await client.readFlowRuns({ flowName: "ten-thousand-tasks", limit: 2 });

// 2. 100,000 flow runs written straight to the store (as the engine records them: a row and its states).
const service = await openMetadataService({ databaseUrl: settings.get("CAIRN_API_DATABASE_URL"), secretKey: SecretKeySource.fromSettings(settings) });
const TYPES: [StateType, string][] = [["COMPLETED", "Completed"], ["COMPLETED", "Completed"], ["COMPLETED", "Completed"], ["FAILED", "Failed"], ["COMPLETED", "Cached"], ["CRASHED", "Crashed"]];
const owner = { host: hostname(), pid: process.pid, engineId: "bench-ui" };
const t0 = Date.now() - 30 * 86_400_000;
let positionId = "";
for (let offset = 0; offset < FLOW_RUNS; offset += 5000) {
  const flowRuns: FlowRunRecord[] = [];
  const states: StateRecord[] = [];
  for (let i = offset; i < Math.min(FLOW_RUNS, offset + 5000); i++) {
    const [stateType, stateName] = TYPES[i % TYPES.length]!;
    const start = new Date(t0 + i * 25_000).toISOString();
    const end = new Date(t0 + i * 25_000 + 1000 + (i % 7) * 300).toISOString();
    const id = `bench-flow-run-${String(i).padStart(7, "0")}`;
    if (i === Math.floor(FLOW_RUNS / 2)) positionId = id;
    flowRuns.push({
      id, name: `run-${i}`, flowName: `flow-${i % 20}`, flowVersion: null, parameters: JSON.stringify({ day: i % 31 }),
      tags: i % 5 === 0 ? ["nightly", "finance"] : ["hourly"], parentTaskRunId: null, stateType, stateName,
      stateMessage: stateType === "FAILED" ? "boom" : null, stateTimestamp: end, runCount: 1, startTime: start, endTime: end, created: start, owner,
    });
    states.push(
      { id: `${id}-r`, flowRunId: id, taskRunId: null, type: "RUNNING", name: "Running", message: null, timestamp: start, data: null, details: null },
      { id: `${id}-f`, flowRunId: id, taskRunId: null, type: stateType, name: stateName, message: null, timestamp: end, data: null, details: null },
    );
  }
  await service.writeBatch({ flowRuns, taskRuns: [], states, logs: [] });
}
const seedMs = Date.now() - seedStart;

// 3. Server time, in-process.
const app = createServerApp({ service, settings, uiAssetsDir: false, log: () => undefined });
async function serverMs(path: string, rounds: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < rounds + 2; r++) {
    const start = process.hrtime.bigint();
    const res = await app.request(path);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
    if (r >= 2) times.push(Number(process.hrtime.bigint() - start) / 1e6); // two warm-ups
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
const health = await serverMs("/api/health", 30);
const rows: [string, number, string][] = [
  ["GET /api/health (baseline)", health, ""],
  [`first page of the runs list, 50 of ${FLOW_RUNS.toLocaleString("en")}`, await serverMs("/api/flow-runs?limit=50", 30), "< 50 ms"],
  ["… filtered by state type (FAILED)", await serverMs("/api/flow-runs?limit=50&stateTypes=FAILED", 30), "< 50 ms"],
  ["… filtered by tag (nightly)", await serverMs("/api/flow-runs?limit=50&tag=nightly", 30), "< 50 ms"],
  ["… filtered by a tag no run has (worst case: every row scanned)", await serverMs("/api/flow-runs?limit=50&tag=no-such-tag", 10), ""],
  ["… filtered by a state no run is in (worst case)", await serverMs("/api/flow-runs?limit=50&stateTypes=PAUSED", 10), ""],
  ["… filtered by flow name", await serverMs("/api/flow-runs?limit=50&flowName=flow-7", 30), "< 50 ms"],
  ["… filtered by the last 24 hours", await serverMs(`/api/flow-runs?limit=50&createdAfter=${new Date(t0 + FLOW_RUNS * 25_000 - 86_400_000).toISOString()}`, 30), "< 50 ms"],
  ["page in the middle, keyset (after=id)", await serverMs(`/api/flow-runs?limit=50&after=${positionId}`, 30), "< 50 ms"],
  ["page in the middle, offset (for comparison)", await serverMs(`/api/flow-runs?limit=50&offset=${Math.floor(FLOW_RUNS / 2)}`, 30), ""],
  [`timeline of ${TASKS.toLocaleString("en")} task runs`, await serverMs(`/api/flow-runs/${bigRun!.id}/timeline`, 5), ""],
  ["timeline of 10 task runs", await serverMs(`/api/flow-runs/${smallRun!.id}/timeline`, 30), ""],
];

// 4. Chromium: navigation start to the first paint with data.
const server = await startServer({ settings, host: "127.0.0.1", port: 0, service, log: () => undefined });
const chromium = await launchChromium();
async function renderMs(hash: string, selector: string, mark: string, rounds: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/${hash}`);
    await page.waitForSelector(selector, { timeout: 60_000 });
    times.push(await page.evaluate(`performance.getEntriesByName(${JSON.stringify(mark)})[0].startTime`));
    await context.close();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
const browserRows: [string, number, string][] = [
  ["timeline of 10 task runs (baseline)", await renderMs(`#/flow-runs/${smallRun!.id}`, ".timeline-rows[data-rendered]", "cairn:timeline-rendered", 5), ""],
  [`runs list, first page of ${FLOW_RUNS.toLocaleString("en")}`, await renderMs("#/flow-runs", "table.flow-runs[data-rendered]", "cairn:flow-runs-rendered", 5), ""],
  [`timeline of ${TASKS.toLocaleString("en")} task runs`, await renderMs(`#/flow-runs/${bigRun!.id}`, ".timeline-rows[data-rendered]", "cairn:timeline-rendered", 5), "< 1 s"],
];
await chromium.close();
await server.close(); // closes the service too
await t.cleanup();

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const out: string[] = [
  "## Web UI",
  "",
  `Command: \`npm run bench\` (bench/ui.ts). ${FLOW_RUNS.toLocaleString("en")} flow runs in a SQLite store (written as the engine records them)`,
  `and one real flow run of ${TASKS.toLocaleString("en")} task runs (every 10th retried once); seeding took ${(seedMs / 1000).toFixed(1)} s.`,
  "Server times: the API app called in-process (no network), median of 30 requests (5 for the big timeline) after two warm-ups.",
  "",
  "| server time | ms | ratio to /api/health | goal |",
  "|---|---:|---:|---|",
  ...rows.map(([name, ms, goal]) => `| ${name} | ${fmt(ms)} | ${(ms / health).toFixed(1)}× | ${goal} |`),
  "",
  "Chromium (Debian's, headless): from navigation start to the first paint with data (`performance.mark` set by the page), median of 5 fresh pages.",
  "The timeline draws only the rows in view, so its cost is the data (fetch and parse), not the DOM.",
  "",
  "| render in Chromium | ms | ratio to the 10-task timeline | goal |",
  "|---|---:|---:|---|",
  ...browserRows.map(([name, ms, goal]) => `| ${name} | ${fmt(ms)} | ${(ms / browserRows[0]![1]).toFixed(1)}× | ${goal} |`),
];
process.stdout.write(`${out.join("\n")}\n`);
