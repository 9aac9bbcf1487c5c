// The HTTP client's behaviour beyond the contract: API keys, an unreachable server,
// batches split when the server finds them too large, the synchronous exit flush, and
// nothing written locally in client mode.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createOrchestrationClient } from "../../src/client/create-client.js";
import { HttpClient } from "../../src/client/http/http-client.js";
import { Engine } from "../../src/engine/engine.js";
import { flow, task } from "../../src/index.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { loadSettings } from "../../src/settings/index.js";
import { disposeTestStore, testStoreUrl } from "../../src/testing/index.js";
import { makeFlowRun, makeLog, makeState } from "./fixtures/records.js";

let home: string;
let server: RunningServer;
const KEY = "the-right-key";
before(async () => {
  home = mkdtempSync(join(tmpdir(), "cairn-http-client-"));
  const settings = loadSettings({ env: { CAIRN_HOME: home, CAIRN_SERVER_API_KEY: KEY } });
  server = await startServer({ settings, port: 0, maxBodyBytes: 16 * 1024, log: () => undefined });
});
after(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

describe("HttpClient", () => {
  test("a 401 becomes an error that says the API key is missing or wrong, naming CAIRN_API_KEY", async () => {
    for (const apiKey of [undefined, "a-wrong-key"]) {
      const client = new HttpClient({ url: server.apiUrl, apiKey, flushOnExit: false });
      await assert.rejects(client.readFlowRuns(), (err: Error & { code?: string }) => {
        assert.equal(err.code, "UNAUTHORIZED");
        assert.match(err.message, /refused the request: the API key is missing or wrong\. Set CAIRN_API_KEY/);
        return true;
      });
      client.recordFlowRun(makeFlowRun());
      await assert.rejects(client.flush(), /the API key is missing or wrong/);
      await assert.rejects(client.close(), /1 changes were not written to the Cairn server/);
    }
    const client = new HttpClient({ url: server.apiUrl, apiKey: KEY });
    const run = makeFlowRun();
    client.recordFlowRun(run);
    assert.equal((await client.readFlowRun(run.id))?.id, run.id);
    await client.close();
  });

  test("an unreachable server: retried, then an error that says where and what to check", async () => {
    const client = new HttpClient({ url: "http://127.0.0.1:9/api", retryTimeoutMs: 300, flushOnExit: false });
    const started = Date.now();
    await assert.rejects(client.readFlowRuns(), (err: Error & { code?: string }) => {
      assert.equal(err.code, "API_UNREACHABLE");
      assert.match(err.message, /Could not reach the Cairn server at http:\/\/127\.0\.0\.1:9 .*CAIRN_API_URL/);
      return true;
    });
    assert.ok(Date.now() - started >= 290, "it retried for the whole window before giving up");
    await client.close();
  });

  test("a URL that is not the API (no /api) is a configuration error, and no write is dropped", async () => {
    const client = new HttpClient({ url: server.url, apiKey: KEY, retryTimeoutMs: 200, flushOnExit: false });
    await assert.rejects(client.readFlowRun("x"), /CAIRN_API_URL \(http:\/\/127\.0\.0\.1:\d+\) does not point at a Cairn API: .* answered 404\. It is the server's URL followed by \/api/);
    client.recordFlowRun(makeFlowRun());
    await assert.rejects(client.flush(), /does not point at a Cairn API/);
    assert.equal(client.pendingChanges, 1, "kept, not dropped");
    await assert.rejects(client.close(), /1 changes were not written/);
  });

  test("a burst larger than the server accepts is split, and every row is written once", async () => {
    const client = new HttpClient({ url: server.apiUrl, apiKey: KEY });
    const run = makeFlowRun();
    client.recordFlowRun(run);
    const states = Array.from({ length: 120 }, (_, i) => makeState("RUNNING", { flowRunId: run.id }, { message: `state ${i} ${"x".repeat(100)}` }));
    for (const state of states) client.recordState(state);
    client.recordLogs(Array.from({ length: 50 }, (_, i) => makeLog({ flowRunId: run.id, message: `line ${i}` })));
    await client.flush();
    assert.deepEqual((await client.readStates(run.id)).map((s) => s.message), states.map((s) => s.message));
    assert.equal((await client.readLogs({ flowRunId: run.id })).length, 50);
    await client.close();
  });

  test("result references are read a page at a time and forgotten over HTTP", async () => {
    const client = new HttpClient({ url: server.apiUrl, apiKey: KEY });
    const run = makeFlowRun();
    const reference = (key: string) => JSON.stringify({ type: "reference", storageKey: key, storageBlockId: null, serializerType: "json", expiration: null });
    client.recordFlowRun(run);
    for (const key of ["k1", "k2", "k3"]) client.recordState(makeState("COMPLETED", { flowRunId: run.id }, { data: reference(key) }));
    const first = await client.readResultReferences({ limit: 2 });
    assert.deepEqual(first.references.map((r) => r.storageKey), ["k1", "k2"]);
    assert.ok(first.next !== undefined && typeof first.next.seq === "number");
    const second = await client.readResultReferences({ after: first.next, limit: 2 });
    assert.deepEqual(second.references.map((r) => r.storageKey), ["k3"]);
    assert.equal(second.next, undefined);
    assert.equal(await client.forgetResultReferences([reference("k2")]), 1);
    const all = await client.readResultReferences();
    assert.deepEqual(all.references.map((r) => r.storageKey), ["k1", "k3"]);
    await client.close();
  });

  test("flushSync() returns false, at once, when this process serves the API (it would wait for itself)", async () => {
    const client = new HttpClient({ url: server.apiUrl, apiKey: KEY });
    client.recordFlowRun(makeFlowRun());
    const started = Date.now();
    assert.equal(client.flushSync(), false);
    assert.ok(Date.now() - started < 100);
    await client.close(); // the asynchronous path still writes it
  });

  test("with CAIRN_API_URL set, the SDK talks to the server and writes nothing locally", async () => {
    const url = testStoreUrl("http-sqlite");
    const local = mkdtempSync(join(tmpdir(), "cairn-client-home-"));
    try {
      const settings = loadSettings({ env: { CAIRN_HOME: local, CAIRN_API_URL: url, CAIRN_LOGGING_TO_CONSOLE: "false" }, cwd: local });
      const client = await createOrchestrationClient(settings);
      assert.ok(client instanceof HttpClient);
      await client.close();

      const engine = new Engine({ settings });
      const double = task((n: number) => n * 2);
      const f = flow({ name: "client-mode", persistResult: false }, async () => double(21));
      assert.equal(await engine.run(() => f()), 42);
      const [run] = await (await engine.client()).readFlowRuns({ flowName: "client-mode" });
      assert.equal(run?.stateType, "COMPLETED");
      await engine.close();
      assert.equal(existsSync(join(local, "cairn.db")), false);
      assert.deepEqual(readdirSync(local).filter((f) => f.includes(".db")), []);
    } finally {
      rmSync(local, { recursive: true, force: true });
      await disposeTestStore(url);
    }
  });
});
