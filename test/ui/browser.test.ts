// The web UI in a real browser (Debian's Chromium, headless) against real servers on free
// ports, over a fresh CAIRN_HOME where real flows ran: the runs list, a run's page and its
// timeline, errors, result previews, integrity failures, blocks without secrets, the API key
// prompt, preview turned off, live refresh, and the weight of the first page.
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import type { Page, Response } from "playwright-core";
import { flow, task } from "../../src/index.js";
import { startServer, type RunningServer } from "../../src/server/index.js";
import { launchChromium, type TestBrowser } from "./support/browser.js";
import { ensureBuiltUi } from "./support/built-ui.js";
import { BLOCK_SECRET } from "./support/ui-runs.js";
import { uiStore, type UiStore } from "./support/ui-store.js";

const API_KEY = "ui-test-key-4242";

let store: UiStore;
let chromium: TestBrowser;
let server: RunningServer;
let keyed: RunningServer;
let noPreview: RunningServer;

before(async () => {
  ensureBuiltUi();
  store = await uiStore();
  const start = (env: Record<string, string> = {}) => startServer({ settings: store.settings(env), host: "127.0.0.1", port: 0, log: () => undefined });
  // One after the other: each opens the same SQLite file and checks its migrations.
  server = await start();
  keyed = await start({ CAIRN_SERVER_API_KEY: API_KEY });
  noPreview = await start({ CAIRN_SERVER_RESULT_PREVIEW: "false" });
  chromium = await launchChromium();
});
after(async () => {
  await chromium?.close();
  await Promise.all([server?.close(), keyed?.close(), noPreview?.close()]);
  await store?.cleanup();
});

/** A fresh page (its own session) that records every response, and fails the test on a page error. */
async function openPage(): Promise<{ page: Page; responses: Response[]; errors: string[]; close(): Promise<void> }> {
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const responses: Response[] = [];
  const errors: string[] = [];
  page.on("response", (r) => responses.push(r));
  page.on("pageerror", (e) => errors.push(e.message));
  return { page, responses, errors, close: () => context.close() };
}

describe("the web UI", () => {
  test("the runs list shows the runs, newest first, with the right states", async () => {
    const { page, errors, close } = await openPage();
    try {
      await page.goto(`${server.url}/`);
      await page.waitForSelector("table.flow-runs tbody tr");
      const rows = await page.$$eval("table.flow-runs tbody tr", (trs) =>
        trs.map((tr) => ({ state: tr.querySelector(".badge")!.textContent, flow: tr.querySelector("strong")!.textContent })),
      );
      const api = (await (await fetch(`${server.apiUrl}/flow-runs`)).json()) as { items: { flowName: string; stateName: string }[] };
      assert.deepEqual(rows, api.items.map((r) => ({ state: r.stateName, flow: r.flowName })));
      assert.deepEqual(rows.filter((r) => r.flow === "sync-crm").map((r) => r.state), ["Failed", "Failed"]);
      assert.deepEqual(rows.filter((r) => r.flow === "orders-pipeline").map((r) => r.state), ["Completed", "Completed"]);
      // Filtering by state goes through the server.
      await page.selectOption("select[name=state]", "FAILED");
      await page.waitForFunction("document.querySelectorAll('table.flow-runs tbody tr').length === 2");
      assert.match(page.url(), /states=FAILED/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test("clicking a run reaches its page and its timeline, retries as separate bars", async () => {
    const { page, errors, close } = await openPage();
    try {
      await page.goto(`${server.url}/`);
      await page.click(`tr[data-flow-run="${store.runs.pipelineRunId}"] a`);
      await page.waitForSelector(".timeline-rows[data-rendered]");
      assert.match(page.url(), new RegExp(`#/flow-runs/${store.runs.pipelineRunId}$`));
      const labels = await page.$$eval(".timeline-row .timeline-label > a:first-child", (as) => as.map((a) => a.textContent));
      assert.deepEqual(labels, ["extract-orders-0", "summarize-0", "render-report-0", "embed-0", "fetch-rates-0", "fetch-rates-1", "load-warehouse-0", "audit-0", "notify-team-0"]);
      const bars = await page.$$eval('.timeline-row[data-task-run="load-warehouse-0"] .bar', (bs) => bs.map((b) => b.getAttribute("data-state-type")));
      assert.deepEqual(bars, ["FAILED", "COMPLETED"]);
      assert.equal(await page.locator('.timeline-row[data-task-run="fetch-rates-1"] .mark').count(), 1, "a cached run is a mark, not a bar");
      // The subflow link leads to the subflow's own page.
      await page.click('.timeline-row[data-task-run="notify-team-0"] .subflow-link');
      await page.waitForSelector(".flow-run-page h1");
      assert.match(await page.textContent(".flow-run-page h1") ?? "", /notify-team/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test("a failed run shows its error", async () => {
    const { page, close } = await openPage();
    try {
      await page.goto(`${server.url}/#/flow-runs/${store.runs.failedRunId}`);
      await page.waitForSelector(".run-error");
      assert.match(await page.textContent(".run-error-message") ?? "", /CRM API refused the batch: 429 Too Many Requests/);
      await page.waitForSelector(".timeline-row .bar.state-failed");
    } finally {
      await close();
    }
  });

  test("a task's result preview shows the value: a JSON object as a tree, an array of records as a table", async () => {
    const { page, close } = await openPage();
    try {
      await page.goto(`${server.url}/#/task-runs/${store.runs.objectTaskRunId}`);
      await page.waitForSelector(".result-preview[data-integrity=verified] .json-tree");
      const tree = await page.textContent(".json-tree");
      assert.match(tree ?? "", /count: 120/);
      assert.match(tree ?? "", /generatedAt: 2024-05-01T12:00:00\.000Z/);
      assert.match(tree ?? "", /monday: 40/);
      await page.goto(`${server.url}/#/task-runs/${store.runs.recordsTaskRunId}`);
      await page.waitForSelector(".records-table");
      assert.deepEqual(await page.$$eval(".records-table th", (ths) => ths.map((th) => th.textContent)), ["#", "id", "customer", "amount", "paid"]);
      assert.equal(await page.locator(".records-table tbody tr").count(), 100);
      assert.match(await page.textContent(".records") ?? "", /120 records, the first 100 shown/);
      assert.deepEqual(await page.$$eval(".records-table tbody tr:nth-child(2) td", (tds) => tds.map((td) => td.textContent)), ["1", "1001", "Grace", "38.99", "true"]);
    } finally {
      await close();
    }
  });

  test("a tampered blob shows an integrity error, never its value", async () => {
    const { page, responses, close } = await openPage();
    try {
      await page.goto(`${server.url}/#/task-runs/${store.runs.tamperedTaskRunId}`);
      await page.waitForSelector(".integrity-error");
      assert.match(await page.textContent(".integrity-error") ?? "", /Integrity check failed: the value is not shown.*is corrupted: its integrity hash does not match/s);
      assert.ok(!(await page.content()).includes("edited on disk"));
      for (const r of responses) if (r.url().includes("/api/")) assert.ok(!(await r.text()).includes("edited on disk"), r.url());
    } finally {
      await close();
    }
  });

  test("the blocks pages show no secret: not in the page, not in any response it fetched", async () => {
    const { page, responses, close } = await openPage();
    try {
      await page.goto(`${server.url}/#/blocks`);
      await page.waitForSelector("table.blocks");
      assert.ok(!(await page.content()).includes(BLOCK_SECRET));
      await page.click("text=s3/prod");
      await page.waitForSelector("table.block-fields");
      const fields = await page.textContent("table.block-fields");
      assert.match(fields ?? "", /awsSecretAccessKey secret\*{8}/);
      assert.match(fields ?? "", /acme-results\/prod/);
      assert.ok(!(await page.content()).includes(BLOCK_SECRET));
      await page.goto(`${server.url}/#/settings`);
      await page.waitForSelector("table.settings");
      const apiResponses = responses.filter((r) => r.url().includes("/api/"));
      assert.ok(apiResponses.some((r) => r.url().includes("/block-documents/")));
      for (const r of responses) assert.ok(!(await r.text()).includes(BLOCK_SECRET), `${r.url()} carries the secret`);
    } finally {
      await close();
    }
  });

  test("with an API key set, the UI asks for it and gets no data without it; a wrong key says so", async () => {
    const { page, responses, close } = await openPage();
    try {
      await page.goto(`${keyed.url}/`);
      await page.waitForSelector(".api-key-prompt");
      assert.equal(await page.locator("table.flow-runs").count(), 0);
      for (const r of responses.filter((x) => x.url().includes("/api/") && !x.url().endsWith("/api/health"))) {
        assert.equal(r.status(), 401, r.url());
        assert.ok(!(await r.text()).includes("orders-pipeline"));
      }
      await page.fill("input[name=apiKey]", "not-the-key");
      await page.click("button[type=submit]");
      await page.waitForSelector(".api-key-prompt .error-box");
      assert.match(await page.textContent(".api-key-prompt .error-box") ?? "", /The key you entered was refused: .*the API key is wrong/);
      await page.fill("input[name=apiKey]", API_KEY);
      await page.click("button[type=submit]");
      await page.waitForSelector("table.flow-runs tbody tr");
      // Kept for the session: a reload needs no new prompt.
      await page.reload();
      await page.waitForSelector("table.flow-runs tbody tr");
      assert.equal(await page.locator(".api-key-prompt").count(), 0);
    } finally {
      await close();
    }
  });

  test("preview turned off: the page says so, naming the setting, and the API answers 403", async () => {
    const { page, responses, close } = await openPage();
    try {
      await page.goto(`${noPreview.url}/#/task-runs/${store.runs.recordsTaskRunId}`);
      await page.waitForSelector(".preview-disabled");
      assert.match(await page.textContent(".preview-disabled") ?? "", /CAIRN_SERVER_RESULT_PREVIEW=false/);
      assert.equal(await page.locator(".records-table").count(), 0);
      const preview = responses.find((r) => r.url().endsWith(`/api/runs/${store.runs.recordsTaskRunId}/result`))!;
      assert.equal(preview.status(), 403);
      assert.match(await preview.text(), /RESULT_PREVIEW_DISABLED/);
      // The reference is still shown: it is metadata.
      assert.match(await page.textContent(".task-run-page") ?? "", /Storage key/);
    } finally {
      await close();
    }
  });

  test("the list refreshes by itself while a run is in progress", async () => {
    const { page, close } = await openPage();
    try {
      await page.goto(`${server.url}/`);
      await page.waitForSelector("table.flow-runs tbody tr");
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow = flow({ name: "live-refresh" }, async () => {
        await task({ name: "wait-a-bit" }, () => gate)();
        return 1;
      });
      const running = store.t.engine.run(() => slow());
      await page.waitForSelector('tr:has-text("live-refresh") .badge:text("Running")', { timeout: 15_000 });
      release();
      await running;
      await page.waitForSelector('tr:has-text("live-refresh") .badge:text("Completed")', { timeout: 15_000 });
    } finally {
      await close();
    }
  });

  test("the first page loads only from the server, under 300 KB gzipped in all", async () => {
    const { page, close } = await openPage();
    try {
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      const bodies: Buffer[] = [];
      page.on("response", (r) => void r.body().then((b) => bodies.push(b), () => undefined));
      await page.goto(`${server.url}/`);
      await page.waitForSelector("table.flow-runs tbody tr");
      await page.waitForLoadState("networkidle");
      assert.ok(requests.length > 2);
      for (const url of requests) assert.ok(url.startsWith(server.url), `${url} is not on the server`);
      const gzipped = bodies.reduce((sum, b) => sum + gzipSync(b).length, 0);
      assert.ok(gzipped < 300 * 1024, `the first page weighs ${gzipped} bytes gzipped`);
      const csp = (await (await fetch(`${server.url}/`)).headers.get("content-security-policy")) ?? "";
      assert.match(csp, /default-src 'self'/);
    } finally {
      await close();
    }
  });
});
