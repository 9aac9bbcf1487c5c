// The read routes the web UI uses, called without a port (app.request()) on a store that
// real flows wrote: lists and filters, timelines with attempts and subflows, task run
// details, cache reports with hit/miss reasons, result previews (every kind, integrity
// failures, the size cap, the preview setting), settings with secrets masked.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SecretKeySource } from "../../src/blocks/secrets/secret-key-source.js";
import type { MetadataService } from "../../src/database/service/metadata-service.js";
import { openMetadataService } from "../../src/database/service/open-metadata-service.js";
import { createServerApp, type ServerAppOptions } from "../../src/server/create-server-app.js";
import { previewPolicy } from "../../src/server/preview/preview-policy.js";
import { task } from "../../src/index.js";
import { BLOCK_SECRET } from "./support/ui-runs.js";
import { uiStore, type UiStore } from "./support/ui-store.js";

let store: UiStore;
let service: MetadataService;
before(async () => {
  store = await uiStore();
  const settings = store.settings();
  service = await openMetadataService({
    databaseUrl: settings.get("CAIRN_API_DATABASE_URL"),
    secretKey: SecretKeySource.fromSettings(settings),
  });
});
after(async () => {
  await service.close();
  await store.cleanup();
});

function app(options: Partial<ServerAppOptions> = {}) {
  const settings = store.settings();
  return createServerApp({ service, settings, preview: previewPolicy(settings, "127.0.0.1"), uiAssetsDir: false, log: () => undefined, ...options });
}

async function get<T = any>(path: string, options: Partial<ServerAppOptions> = {}): Promise<{ status: number; body: T; text: string }> {
  const res = await app(options).request(`/api${path}`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as T, text };
}

describe("the OpenAPI document", () => {
  test("describes every route the UI uses", async () => {
    const { body } = await get<{ paths: Record<string, unknown> }>("/openapi.json");
    for (const path of [
      "/flow-runs", "/flow-runs/{id}", "/flow-names", "/flow-runs/{id}/timeline", "/task-runs/{id}", "/task-runs/{id}/details",
      "/runs/{runId}/states", "/logs", "/runs/{runId}/result", "/caches", "/caches/report", "/block-documents",
      "/block-documents/{id}", "/settings", "/health",
    ]) {
      assert.ok(path in body.paths, `${path} is missing from the OpenAPI document`);
    }
  });
});

describe("GET /api/flow-runs for the runs list", () => {
  test("newest first, filtered by flow name, state type, tag and time range", async () => {
    const all = (await get("/flow-runs")).body.items as { id: string; flowName: string; stateType: string; created: string; tags: string[] }[];
    assert.equal(all.length, 6); // 2 pipelines, 2 subflows, 2 failed syncs
    assert.deepEqual([...all].sort((a, b) => b.created.localeCompare(a.created)).map((r) => r.id), all.map((r) => r.id));
    const failed = (await get("/flow-runs?stateTypes=FAILED")).body.items as typeof all;
    assert.deepEqual(failed.map((r) => r.flowName), ["sync-crm", "sync-crm"]);
    const tagged = (await get("/flow-runs?tag=finance")).body.items as typeof all;
    assert.deepEqual(tagged.map((r) => r.flowName), ["orders-pipeline", "orders-pipeline"]);
    assert.equal((await get("/flow-runs?tag=Finance")).body.items.length, 0, "tags match case-sensitively");
    assert.equal((await get("/flow-runs?tag=financ")).body.items.length, 0, "a tag matches whole");
    const newest = all[0]!.created;
    assert.deepEqual(((await get(`/flow-runs?createdAfter=${newest}`)).body.items as typeof all).map((r) => r.id), all.filter((r) => r.created >= newest).map((r) => r.id));
    assert.deepEqual(((await get(`/flow-runs?createdBefore=${newest}`)).body.items as typeof all).map((r) => r.id), all.filter((r) => r.created < newest).map((r) => r.id));
  });

  test("keyset paging with after=<id> continues where the previous page ended", async () => {
    const first = await get("/flow-runs?limit=4");
    assert.equal(first.body.items.length, 4);
    assert.equal(first.body.nextOffset, 4);
    const last = first.body.items[3].id as string;
    const second = await get(`/flow-runs?limit=4&after=${last}`);
    const all = (await get("/flow-runs")).body.items.map((r: { id: string }) => r.id);
    assert.deepEqual(second.body.items.map((r: { id: string }) => r.id), all.slice(4));
    assert.equal(second.body.nextOffset, null);
  });

  test("a bad after= or time is refused with a message naming it", async () => {
    const missing = await get("/flow-runs?after=no-such-run");
    assert.equal(missing.status, 404);
    assert.match(missing.body.error.message, /No flow run has the id "no-such-run" \(given as after=\)/);
    const bad = await get("/flow-runs?createdAfter=yesterday");
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /query\.createdAfter/);
  });

  test("GET /api/flow-names lists the flows", async () => {
    assert.deepEqual((await get("/flow-names")).body.items, ["notify-team", "orders-pipeline", "sync-crm"]);
  });
});

describe("GET /api/flow-runs/{id}/timeline", () => {
  test("task runs oldest first, attempts per retry, subflow links, no attempt for a cached run", async () => {
    const { body } = await get(`/flow-runs/${store.runs.pipelineRunId}/timeline`);
    const names = body.taskRuns.map((t: { name: string }) => t.name);
    assert.deepEqual(names, ["extract-orders-0", "summarize-0", "render-report-0", "embed-0", "fetch-rates-0", "fetch-rates-1", "load-warehouse-0", "audit-0", "notify-team-0"]);
    assert.equal(body.truncated, false);
    const retried = body.taskRuns.find((t: { id: string }) => t.id === store.runs.retriedTaskRunId);
    assert.deepEqual(retried.attempts.map((a: { number: number; stateType: string }) => [a.number, a.stateType]), [[1, "FAILED"], [2, "COMPLETED"]]);
    assert.match(retried.attempts[0].message, /warehouse connection reset by peer/);
    assert.ok(retried.attempts[0].end <= retried.attempts[1].start);
    const cached = body.taskRuns.find((t: { id: string }) => t.id === store.runs.cachedTaskRunId);
    assert.equal(cached.stateName, "Cached");
    assert.deepEqual(cached.attempts, []);
    const notify = body.taskRuns.find((t: { name: string }) => t.name === "notify-team-0");
    assert.equal(notify.subflowRunId, store.runs.subflowRunId);
  });

  test("attempts read from a run's row (entered once) are the ones its states tell", async () => {
    for (const runId of [store.runs.pipelineRunId, store.runs.failedRunId]) {
      const { body } = await get(`/flow-runs/${runId}/timeline`);
      for (const t of body.taskRuns) {
        const details = (await get(`/task-runs/${t.id}/details`)).body;
        assert.deepEqual(t.attempts, details.attempts, t.name);
      }
    }
  });

  test("an unknown flow run is a 404 naming it", async () => {
    const res = await get("/flow-runs/nope/timeline");
    assert.equal(res.status, 404);
    assert.match(res.body.error.message, /No flow run has the id or id prefix "nope"/);
  });
});

describe("GET /api/task-runs/{id}/details", () => {
  test("attempts, inputs with their upstream run, and the result reference with its block", async () => {
    const { body } = await get(`/task-runs/${store.runs.objectTaskRunId}/details`);
    assert.deepEqual(body.inputs, [{ name: "orders", upstream: [store.runs.recordsTaskRunId] }]);
    assert.equal(body.attempts.length, 1);
    assert.equal(body.cache, null);
    assert.equal(body.result.type, "reference");
    assert.equal(body.result.serializerType, "json");
    assert.match(body.result.storageKey, /^[0-9a-f]{32}$/);
    assert.equal(body.storageBlock.blockTypeSlug, "local-file-system");
    assert.equal(body.storageBlock.isAnonymous, true);
  });

  test("a cached run names the entry it reused; the entry's run says why it missed", async () => {
    const hit = (await get(`/task-runs/${store.runs.cachedTaskRunId}/details`)).body;
    assert.equal(hit.cache.hit, true);
    assert.equal(hit.cache.key, "rates-2024-05-01");
    const entry = (await get(`/task-runs/${hit.cache.entryTaskRunId}/details`)).body;
    assert.equal(entry.taskRun.cacheKey, "rates-2024-05-01");
    assert.deepEqual({ ...entry.cache }, { key: "rates-2024-05-01", hit: false, entryTaskRunId: null, reason: "no-entry", message: null });
  });

  test("a subflow's task run links to the subflow run", async () => {
    const timeline = (await get(`/flow-runs/${store.runs.pipelineRunId}/timeline`)).body;
    const notify = timeline.taskRuns.find((t: { name: string }) => t.name === "notify-team-0");
    assert.equal((await get(`/task-runs/${notify.id}/details`)).body.subflowRunId, store.runs.subflowRunId);
  });
});

describe("GET /api/caches", () => {
  test("lists the cached task; its report counts the entry's hits and names the first run's miss reason", async () => {
    const tasks = (await get("/caches")).body.items;
    assert.deepEqual(tasks.map((t: { taskName: string }) => t.taskName), ["fetch-rates"]);
    const report = (await get(`/caches/report?taskKey=${encodeURIComponent(store.runs.cachedTaskKey)}`)).body;
    assert.equal(report.taskName, "fetch-rates");
    assert.equal(report.entries.length, 1);
    const [entry] = report.entries;
    assert.equal(entry.cacheKey, "rates-2024-05-01");
    assert.equal(entry.stateType, "COMPLETED");
    assert.equal(entry.expired, false);
    assert.equal(entry.hits, 3); // its own run's second call, and both calls of the next run
    assert.equal(report.hits.length, 3);
    assert.ok(report.hits.every((h: { entryTaskRunId: string }) => h.entryTaskRunId === entry.taskRunId));
    assert.deepEqual(report.misses.map((m: { reason: string; taskRunId: string }) => [m.reason, m.taskRunId]), [["no-entry", entry.taskRunId]]);
  });

  test("taskKey is required", async () => {
    const res = await get("/caches/report");
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /query\.taskKey/);
  });
});

describe("GET /api/runs/{runId}/result", () => {
  test("an array of records is a table: column names, the first 100 rows, the total", async () => {
    const { body } = await get(`/runs/${store.runs.recordsTaskRunId}/result`);
    assert.equal(body.integrity, "verified");
    assert.equal(body.preview.kind, "table");
    assert.deepEqual(body.preview.columns, ["id", "customer", "amount", "paid"]);
    assert.equal(body.preview.rows.length, 100);
    assert.equal(body.preview.totalRows, 120);
    assert.deepEqual(body.preview.rows[1], [
      { text: "1001", type: "number" }, { text: "Grace", type: "string" }, { text: "38.99", type: "number" }, { text: "true", type: "boolean" },
    ]);
    assert.equal(body.blob.serializer, "json");
    assert.match(body.blob.integrity, /^sha256-/);
    assert.ok(body.size > 1000);
    assert.match(body.storage, /^local-file-system at /);
  });

  test("an object is a tree of nodes; a Date keeps its type", async () => {
    const { body } = await get(`/runs/${store.runs.objectTaskRunId}/result`);
    assert.equal(body.preview.kind, "tree");
    const nodes = body.preview.nodes as { id: number; parent: number; key: string | null; type: string; text: string }[];
    assert.equal(nodes[0]!.type, "object");
    const child = (key: string, parent = 0) => nodes.find((n) => n.parent === parent && n.key === key)!;
    assert.deepEqual([child("count").type, child("count").text], ["number", "120"]);
    assert.equal(child("generatedAt").type, "date");
    assert.equal(child("generatedAt").text, "2024-05-01T12:00:00.000Z");
    assert.equal(child("monday", child("byDay").id).text, "40");
  });

  test("a string is text; a typed array is a summary", async () => {
    const text = (await get(`/runs/${store.runs.textTaskRunId}/result`)).body.preview;
    assert.equal(text.kind, "text");
    assert.match(text.text, /^Orders report\n/);
    const binary = (await get(`/runs/${store.runs.binaryTaskRunId}/result`)).body;
    assert.equal(binary.blob.serializer, "msgpack");
    assert.deepEqual({ ...binary.preview, first: binary.preview.first.slice(0, 3) }, { kind: "binary", type: "Float32Array", length: 256, byteLength: 1024, first: ["0", String(Math.fround(0.125)), String(Math.fround(0.247))] });
  });

  test("a tampered blob is refused: integrity failed, an error, and no part of its value", async () => {
    const res = await get(`/runs/${store.runs.tamperedTaskRunId}/result`);
    assert.equal(res.status, 200);
    assert.equal(res.body.integrity, "failed");
    assert.equal(res.body.preview.kind, "error");
    assert.equal(res.body.preview.code, "RESULT_CORRUPTED");
    assert.match(res.body.preview.message, /is corrupted: .*integrity hash/);
    assert.doesNotMatch(res.text, /edited on disk/);
  });

  test("a blob replaced by another valid blob is refused when the reference records its integrity", async () => {
    const object = (await get(`/task-runs/${store.runs.objectTaskRunId}/details`)).body;
    const records = (await get(`/task-runs/${store.runs.recordsTaskRunId}`)).body;
    // A run whose reference names the summary's key with the integrity hash of another blob.
    const reference = JSON.parse(records.stateData);
    const forged = { ...records, id: `${records.id}-forged`, name: "forged-0", stateData: JSON.stringify({ ...reference, storageKey: object.result.storageKey, integrity: "sha256-AAAA" }) };
    const state = { id: `${records.id}-forged-state`, flowRunId: records.flowRunId, taskRunId: forged.id, type: "COMPLETED", name: "Completed", message: null, timestamp: new Date().toISOString(), data: forged.stateData, details: null };
    await service.writeBatch({ flowRuns: [], taskRuns: [forged], states: [state as never], logs: [] });
    const res = await get(`/runs/${forged.id}/result`);
    assert.equal(res.body.integrity, "failed");
    assert.equal(res.body.preview.code, "RESULT_REPLACED");
    assert.match(res.body.preview.message, /was replaced since the task run .*-forged wrote it \(expected sha256-AAAA, found sha256-.*\)/);
    assert.doesNotMatch(res.text, /"count"/);
  });

  test("a large binary result (a framed blob) is summarised; the reference records the blob's integrity", async () => {
    const big = task({ name: "big-bytes", persistResult: true }, () => Uint8Array.from({ length: 2 * 1024 * 1024 }, (_, i) => i % 251));
    await store.t.engine.run(() => big());
    await (await store.t.engine.client()).flush();
    const [run] = (await service.readTaskRuns({ taskKey: big.taskKey })).slice(-1);
    const details = (await get(`/task-runs/${run!.id}/details`)).body;
    assert.match(details.result.integrity, /^sha256-/);
    const { body } = await get(`/runs/${run!.id}/result`);
    assert.equal(body.integrity, "verified");
    assert.equal(body.blob.layout, "framed");
    assert.equal(body.blob.integrity, details.result.integrity);
    assert.deepEqual({ ...body.preview, first: body.preview.first.slice(0, 4) }, { kind: "binary", type: "Uint8Array", length: 2097152, byteLength: 2097152, first: ["0", "1", "2", "3"] });
  });

  test("a blob larger than the cap is described, not loaded", async () => {
    const { body } = await get(`/runs/${store.runs.recordsTaskRunId}/result`, { preview: { enabled: true, maxBytes: 500 } });
    assert.equal(body.preview.kind, "too-large");
    assert.ok(body.preview.size > 500);
    assert.match(body.preview.message, /more than this server previews \(CAIRN_SERVER_RESULT_PREVIEW_MAX_BYTES=500\)/);
  });

  test("a failed run has no result; an unknown run is a 404", async () => {
    const failed = (await get(`/runs/${store.runs.failedRunId}/result`)).body;
    assert.equal(failed.preview.kind, "none");
    assert.equal(failed.reference, null);
    assert.equal((await get("/runs/nope/result")).status, 404);
  });

  test("off (CAIRN_SERVER_RESULT_PREVIEW=false): 403 naming the setting", async () => {
    const settings = store.settings({ CAIRN_SERVER_RESULT_PREVIEW: "false" });
    const res = await get(`/runs/${store.runs.recordsTaskRunId}/result`, { settings, preview: previewPolicy(settings, "127.0.0.1") });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, "RESULT_PREVIEW_DISABLED");
    assert.match(res.body.error.message, /Result preview is turned off on this server \(CAIRN_SERVER_RESULT_PREVIEW=false\)\. Set CAIRN_SERVER_RESULT_PREVIEW=true/);
    assert.doesNotMatch(res.text, /Grace/);
  });

  test("unset: on for a loopback address only; the setting turns it on anywhere", async () => {
    const settings = store.settings();
    for (const host of ["127.0.0.1", "::1", "localhost", "[::1]"]) assert.equal(previewPolicy(settings, host).enabled, true, host);
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "example.com"]) assert.equal(previewPolicy(settings, host).enabled, false, host);
    const res = await get(`/runs/${store.runs.recordsTaskRunId}/result`, { preview: previewPolicy(settings, "0.0.0.0") });
    assert.equal(res.status, 403);
    assert.match(res.body.error.message, /the server listens on 0\.0\.0\.0, not a loopback address, and CAIRN_SERVER_RESULT_PREVIEW is not set/);
    assert.equal(previewPolicy(store.settings({ CAIRN_SERVER_RESULT_PREVIEW: "true" }), "0.0.0.0").enabled, true);
  });

  test("the max-bytes setting is validated with a clear message", () => {
    assert.throws(() => store.settings({ CAIRN_SERVER_RESULT_PREVIEW_MAX_BYTES: "10MB" }), /CAIRN_SERVER_RESULT_PREVIEW_MAX_BYTES must be a whole number of bytes, e\.g\. 10485760, got "10MB"/);
    assert.equal(store.settings({ CAIRN_SERVER_RESULT_PREVIEW_MAX_BYTES: "2048" }).get("CAIRN_SERVER_RESULT_PREVIEW_MAX_BYTES"), 2048);
  });
});

describe("GET /api/settings and the blocks", () => {
  test("settings in effect, secrets masked and absent from the response", async () => {
    const key = "server-key-that-must-stay-hidden";
    const settings = store.settings({ CAIRN_SERVER_API_KEY: key, CAIRN_API_URL: "http://user:hunter22@example.com/api" });
    const res = await app({ settings, apiKey: key }).request("/api/settings", { headers: { authorization: `Bearer ${key}` } });
    const text = await res.text();
    const body = JSON.parse(text);
    assert.doesNotMatch(text, new RegExp(key));
    assert.doesNotMatch(text, /hunter22/);
    const item = (k: string) => body.items.find((i: { key: string }) => i.key === k);
    assert.deepEqual({ ...item("CAIRN_SERVER_API_KEY"), description: "" }, { key: "CAIRN_SERVER_API_KEY", value: "********", source: "env", secret: true, default: "unset: no authentication", description: "" });
    assert.equal(item("CAIRN_API_KEY").value, null);
    assert.equal(item("CAIRN_SERVER_PORT").value, "4200");
    assert.equal(body.resultPreview.enabled, true);
  });

  test("the block listing masks the secret field", async () => {
    const { text, body } = await get("/block-documents");
    assert.ok(!text.includes(BLOCK_SECRET));
    const s3 = body.items.find((d: { name: string }) => d.name === "prod");
    assert.equal(s3.data.awsSecretAccessKey, "********");
  });

  test("with an API key, no UI route answers data without it", async () => {
    const paths = [
      "/flow-runs", "/flow-names", `/flow-runs/${store.runs.pipelineRunId}/timeline`, `/task-runs/${store.runs.objectTaskRunId}/details`,
      `/runs/${store.runs.objectTaskRunId}/result`, "/caches", "/settings", "/block-documents",
    ];
    for (const path of paths) {
      const res = await get(path, { apiKey: "k-123" });
      assert.equal(res.status, 401, path);
      assert.match(res.body.error.message, /needs an API key and no API key was sent/);
    }
  });
});

describe("the UI's files at /", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "cairn-ui-assets-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), '<!doctype html><script type="module" src="/assets/app-1.js"></script>');
    writeFileSync(join(dir, "assets", "app-1.js"), "console.log(1)");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("index.html and assets, gzipped when asked, with a same-origin Content-Security-Policy", async () => {
    const ui = app({ uiAssetsDir: dir });
    const page = await ui.request("/");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /text\/html/);
    assert.match(page.headers.get("content-security-policy")!, /default-src 'self'.*connect-src 'self'/);
    assert.match(await page.text(), /app-1\.js/);
    const js = await ui.request("/assets/app-1.js", { headers: { "accept-encoding": "gzip" } });
    assert.equal(js.headers.get("content-encoding"), "gzip");
    assert.match(js.headers.get("cache-control")!, /immutable/);
    assert.equal((await ui.request("/assets/..%2Findex.html")).status, 404);
    assert.equal((await ui.request("/assets/.hidden")).status, 404);
  });

  test("the files need no API key (they hold no data); / asked for JSON names the API", async () => {
    const ui = app({ uiAssetsDir: dir, apiKey: "k-123" });
    assert.equal((await ui.request("/")).status, 200);
    const info = await ui.request("/", { headers: { accept: "application/json" } });
    assert.deepEqual({ ...(await info.json() as object), version: "x" }, { name: "cairn server", version: "x", api: "/api", openapi: "/api/openapi.json", ui: "/" });
  });

  test("an unbuilt UI says how to build it", async () => {
    const res = await app({ uiAssetsDir: join(dir, "missing") }).request("/");
    assert.equal(res.status, 503);
    assert.match(await res.text(), /The Cairn web UI is not built.*npm run build/s);
  });
});
