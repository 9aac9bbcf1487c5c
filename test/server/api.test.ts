// The server's HTTP app, called without a port (app.request): auth, validation, limits,
// CORS, the OpenAPI document, idempotent writes, errors.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { createServerApp } from "../../src/server/create-server-app.js";
import { makeFlowRun, makeState } from "../client/fixtures/records.js";
import { body, tempService } from "./helpers.js";

let store: Awaited<ReturnType<typeof tempService>>;
before(async () => {
  store = await tempService();
});
after(async () => {
  await store.dispose();
});

const json = (value: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(value),
});

describe("the API key", () => {
  const key = "s3cr3t-key-0123";
  const app = () => createServerApp({ service: store.service, apiKey: key, log: () => undefined });

  test("GET /api/health answers 200 without a key", async () => {
    const res = await app().request("/api/health");
    assert.equal(res.status, 200);
    assert.deepEqual({ ...(await body(res)), version: "x" }, { status: "ok", version: "x", database: "sqlite" });
  });

  test("every other request needs Authorization: Bearer <key>: 401 with a JSON error", async () => {
    for (const path of ["/api/flow-runs", "/api/openapi.json", "/api/block-documents", "/api/nope"]) {
      const res = await app().request(path);
      assert.equal(res.status, 401, path);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="cairn"');
      const { error } = await body(res);
      assert.equal(error.code, "UNAUTHORIZED");
      assert.match(error.message, /needs an API key and no API key was sent/);
    }
    const wrong = await app().request("/api/flow-runs", { headers: { authorization: "Bearer s3cr3t-key-0124" } });
    assert.equal(wrong.status, 401);
    assert.match((await body(wrong)).error.message, /the API key is wrong/);
    const short = await app().request("/api/flow-runs", { headers: { authorization: "Bearer s" } });
    assert.equal(short.status, 401);
    const basic = await app().request("/api/flow-runs", { headers: { authorization: `Basic ${key}` } });
    assert.equal(basic.status, 401);
    const ok = await app().request("/api/flow-runs", { headers: { authorization: `Bearer ${key}` } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await body(ok), { items: [], nextOffset: null });
  });

  test("writes are refused without the key too (nothing is written)", async () => {
    const run = makeFlowRun();
    const res = await app().request("/api/writes", json({ batchId: randomUUID(), flowRuns: [run] }));
    assert.equal(res.status, 401);
    assert.equal(await store.service.readFlowRun(run.id), undefined);
  });

  test("with a key, block secrets are served when asked for", async () => {
    const auth = { authorization: `Bearer ${key}` };
    const saved = await app().request("/api/block-types/s3/block-documents/keyed", {
      method: "PUT",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({ data: { bucketPath: "b", awsSecretAccessKey: "hunter2" }, secretFields: ["awsSecretAccessKey"] }),
    });
    assert.equal(saved.status, 200);
    assert.equal((await body(saved)).data.awsSecretAccessKey, "********");
    const clear = await app().request("/api/block-types/s3/block-documents/keyed?includeSecrets=true", { headers: auth });
    assert.equal((await body(clear)).data.awsSecretAccessKey, "hunter2");
  });
});

describe("requests are validated", () => {
  const app = () => createServerApp({ service: store.service, log: () => undefined });

  test("a bad body is a 400 that names the field", async () => {
    const state = { ...makeState("RUNNING", { flowRunId: randomUUID() }), timestamp: "yesterday" };
    const res = await app().request("/api/writes", json({ batchId: randomUUID(), states: [state] }));
    assert.equal(res.status, 400);
    const { error } = await body(res);
    assert.equal(error.code, "INVALID_REQUEST");
    assert.match(error.message, /body\.states\.0\.timestamp: Invalid ISO datetime/);
    assert.deepEqual(error.context.issues.map((i: { path: string }) => i.path), ["body.states.0.timestamp"]);

    const noId = await app().request("/api/writes", json({ flowRuns: [] }));
    assert.match((await body(noId)).error.message, /body\.batchId/);
    const orphan = await app().request("/api/writes", json({ batchId: "b", states: [{ ...state, timestamp: new Date().toISOString(), flowRunId: null }] }));
    assert.match((await body(orphan)).error.message, /a state needs a flowRunId or a taskRunId/);
  });

  test("malformed JSON is a 400 with a JSON error", async () => {
    const res = await app().request("/api/writes", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    assert.equal(res.status, 400);
    assert.equal((await body(res)).error.code, "INVALID_REQUEST");
  });

  test("bad query parameters are 400s that name them", async () => {
    const limit = await app().request("/api/flow-runs?limit=abc");
    assert.equal(limit.status, 400);
    assert.match((await body(limit)).error.message, /query\.limit: limit must be a whole number/);
    const big = await app().request("/api/flow-runs?limit=5000");
    assert.match((await body(big)).error.message, /limit must be at most 1000/);
    const state = await app().request("/api/flow-runs?stateTypes=RUNNING,DONE");
    assert.match((await body(state)).error.message, /unknown state type "DONE"/);
  });

  test("bodies over the limit are refused with 413", async () => {
    const small = createServerApp({ service: store.service, maxBodyBytes: 2048, log: () => undefined });
    const runs = Array.from({ length: 20 }, () => makeFlowRun());
    const res = await small.request("/api/writes", json({ batchId: randomUUID(), flowRuns: runs }));
    assert.equal(res.status, 413);
    const { error } = await body(res);
    assert.equal(error.code, "PAYLOAD_TOO_LARGE");
    assert.match(error.message, /larger than this server accepts \(2048 bytes\)/);
    assert.equal(await store.service.readFlowRun(runs[0]!.id), undefined);
  });

  test("unknown routes are JSON 404s", async () => {
    const res = await app().request("/api/nothing-here");
    assert.equal(res.status, 404);
    assert.match((await body(res)).error.message, /no route GET \/api\/nothing-here/);
  });
});

describe("the API", () => {
  const app = () => createServerApp({ service: store.service, log: () => undefined });

  test("CORS is closed: no Access-Control headers, preflights are not granted", async () => {
    const res = await app().request("/api/flow-runs", { headers: { origin: "https://evil.example" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), null);
    const preflight = await app().request("/api/writes", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    assert.notEqual(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), null);
  });

  test("the OpenAPI document is generated from the route schemas", async () => {
    const res = await app().request("/api/openapi.json");
    assert.equal(res.status, 200);
    const doc = await body(res);
    assert.equal(doc.openapi, "3.0.3");
    assert.deepEqual(doc.servers, [{ url: "/api" }]);
    for (const path of ["/health", "/writes", "/flow-runs", "/flow-runs/{id}", "/task-runs", "/cache-candidates", "/runs/{runId}/states", "/logs", "/unfinished-runs", "/crashes", "/block-documents", "/block-types/{slug}/block-documents/{name}", "/result-references"]) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    for (const schema of ["FlowRun", "TaskRun", "State", "Log", "WriteBatch", "Error", "BlockDocument"]) {
      assert.ok(doc.components.schemas[schema], `${schema} is documented`);
    }
    assert.deepEqual(doc.components.schemas.StateType.enum, ["SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED", "PAUSED"]);
  });

  test("a batch sent twice is written once", async () => {
    const run = makeFlowRun();
    const batch = { batchId: randomUUID(), flowRuns: [run], states: [makeState("RUNNING", { flowRunId: run.id })], logs: [] };
    const first = await app().request("/api/writes", json(batch));
    assert.deepEqual(await body(first), { applied: true, refused: 0, errors: [] });
    const again = await app().request("/api/writes", json(batch));
    assert.deepEqual(await body(again), { applied: false, refused: 0, errors: [] });
    assert.equal((await store.service.readStates(run.id)).length, 1);
  });

  test("ambiguous id prefixes are 409s, missing runs 404s", async () => {
    const a = makeFlowRun({ id: "zz1-a" });
    const b = makeFlowRun({ id: "zz1-b" });
    await app().request("/api/writes", json({ batchId: randomUUID(), flowRuns: [a, b] }));
    const ambiguous = await app().request("/api/flow-runs/zz1");
    assert.equal(ambiguous.status, 409);
    const { error } = await body(ambiguous);
    assert.equal(error.code, "AMBIGUOUS_ID");
    assert.deepEqual(error.context.matches, ["zz1-a", "zz1-b"]);
    assert.equal((await app().request("/api/flow-runs/zz1-a")).status, 200);
    const missing = await app().request("/api/flow-runs/nope");
    assert.equal(missing.status, 404);
    assert.equal((await body(missing)).error.code, "FLOW_RUN_NOT_FOUND");
  });

  test("listings page: limit, offset and nextOffset", async () => {
    const flowName = `paged-${randomUUID()}`;
    const runs = Array.from({ length: 5 }, (_, i) => makeFlowRun({ flowName, created: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString() }));
    await app().request("/api/writes", json({ batchId: randomUUID(), flowRuns: runs }));
    const page1 = await body(await app().request(`/api/flow-runs?flowName=${flowName}&limit=2`));
    assert.deepEqual(page1.items.map((r: { id: string }) => r.id), [runs[4]!.id, runs[3]!.id]);
    assert.equal(page1.nextOffset, 2);
    const page3 = await body(await app().request(`/api/flow-runs?flowName=${flowName}&limit=2&offset=4`));
    assert.deepEqual(page3.items.map((r: { id: string }) => r.id), [runs[0]!.id]);
    assert.equal(page3.nextOffset, null);
  });

  test("without an API key, secrets are only revealed to clients on the server's machine", async () => {
    await store.service.blocks.save({ blockTypeSlug: "s3", name: "open", data: { bucketPath: "b", awsSecretAccessKey: "pw" }, secretFields: ["awsSecretAccessKey"] });
    // app.request() has no socket: the client is not known to be local.
    const res = await app().request("/api/block-types/s3/block-documents/open?includeSecrets=true");
    assert.equal(res.status, 403);
    const { error } = await body(res);
    assert.equal(error.code, "SECRETS_FORBIDDEN");
    assert.match(error.message, /CAIRN_SERVER_API_KEY/);
    const masked = await app().request("/api/block-types/s3/block-documents/open");
    assert.equal((await body(masked)).data.awsSecretAccessKey, "********");
  });
});
