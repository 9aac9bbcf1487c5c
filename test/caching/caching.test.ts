import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  flow, task, taskInputHash, Engine, loadSettings, INPUTS, TASK_SOURCE, FLOW_PARAMETERS, RUN_ID, NONE, getRunContext, type CacheKeyContext,
} from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { slowSquare } from "../fixtures/cached-task.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

const run = <T>(fn: () => Promise<T>): Promise<T> => t.engine.run(fn);

describe("task caching", () => {
  it("a hit ends the run in a Cached state without calling the function", async () => {
    let calls = 0;
    const add = task({ cacheKeyFn: taskInputHash }, (a: number, b: number) => { calls++; return a + b; });
    const first = await run(() => add.returnState(1, 2));
    const second = await run(() => add.returnState(1, 2));
    const other = await run(() => add.returnState(2, 2));
    assert.equal(calls, 2);
    assert.equal(first.name, "Completed");
    assert.equal(second.type, "COMPLETED");
    assert.equal(second.name, "Cached");
    assert.equal(await second.result(), 3);
    assert.equal(await other.result(), 4);
  });

  it("works across processes sharing one store", async () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", "test/fixtures/cached-task.ts", "9"], { env: t.env as NodeJS.ProcessEnv, encoding: "utf8" });
    assert.match(out, /computed 9/);
    const childPid = (JSON.parse(out.trim().split("\n").at(-1)!) as { pid: number }).pid;
    const state = await run(() => slowSquare.returnState(9));
    assert.equal(state.name, "Cached");
    assert.deepEqual(await state.result(), { square: 81, pid: childPid });
  });

  it("cacheExpirationSeconds: an expired entry is a miss", async () => {
    let calls = 0;
    const short = task({ cacheKeyFn: () => "fixed-key-expiry", cacheExpirationSeconds: 0.4 }, () => ++calls);
    await run(() => short());
    assert.equal(await run(() => short()), 1);
    await new Promise((r) => setTimeout(r, 450));
    assert.equal(await run(() => short()), 2);
  });

  it("refreshCache always runs and overwrites the entry; so does CAIRN_TASKS_REFRESH_CACHE", async () => {
    let version = 0;
    const fn = (): number => ++version;
    const cached = task({ cacheKeyFn: () => "fixed-key-refresh" }, fn);
    const refreshing = cached.withOptions({ refreshCache: true });
    assert.equal(await run(() => cached()), 1);
    assert.equal(await run(() => refreshing()), 2);
    assert.equal(await run(() => cached()), 2, "the refreshed value is the new entry");

    const other = createTestEngine({ CAIRN_TASKS_REFRESH_CACHE: "true" });
    try {
      const again = task({ cacheKeyFn: () => "fixed-key-setting" }, fn);
      await other.engine.run(() => again());
      await other.engine.run(() => again());
      assert.equal(version, 4);
    } finally {
      await other.cleanup();
    }
  });

  it("a missing or corrupted result behind an entry is a miss with a warning, never an error", async () => {
    // Another engine on the same store (as another process would be): it knows the entry
    // only from the store, so it must read the result back from storage.
    const fresh = (): Engine => new Engine({ settings: loadSettings({ env: t.env, cwd: t.home }) });
    let calls = 0;
    const resultsDir = join(t.home, "results");
    const flaky = task({ cacheKeyFn: () => "fixed-key-missing" }, () => ({ n: ++calls }));
    await run(() => flaky());
    for (const f of readdirSync(resultsDir)) rmSync(join(resultsDir, f));
    const second = fresh();
    const state = await second.run(() => flaky.returnState());
    await second.close();
    assert.equal(state.name, "Completed");
    assert.deepEqual(await state.result(), { n: 2 });
    for (const f of readdirSync(resultsDir)) writeFileSync(join(resultsDir, f), "{ not a blob");
    const third = fresh();
    const again = await third.run(() => flaky.returnState());
    await third.close();
    assert.deepEqual(await again.result(), { n: 3 });
    const client = await t.engine.client();
    const [taskRun] = (await client.readTaskRuns({ taskKey: flaky.taskKey })).slice(-1);
    const logs = await client.readLogs({ taskRunId: taskRun!.id });
    assert.ok(logs.some((l) => /could not be read, so this is a cache miss/.test(l.message)), JSON.stringify(logs));
  });

  it("a process reuses the entries it computed itself without a store round trip", async () => {
    let calls = 0;
    const twice = task({ cacheKeyFn: () => "fixed-key-recent" }, () => ++calls);
    const f = flow(async () => [await twice(), await twice()]);
    assert.deepEqual(await run(() => f()), [1, 1]);
    assert.equal(calls, 1);
  });

  it("a cache key function that throws means no caching for that run, with a warning", async () => {
    let calls = 0;
    const broken = task({ cacheKeyFn: () => { throw new Error("no key today"); } }, () => ++calls);
    await run(() => broken());
    await run(() => broken());
    assert.equal(calls, 2);
    const client = await t.engine.client();
    const [taskRun] = (await client.readTaskRuns({ taskKey: broken.taskKey })).slice(-1);
    const logs = await client.readLogs({ taskRunId: taskRun!.id });
    assert.ok(logs.some((l) => /cacheKeyFn failed \(no key today\): this run is not cached/.test(l.message)));
  });

  it("two concurrent runs with the same key in one process compute once", async () => {
    let calls = 0;
    const slow = task({ cacheKeyFn: () => "fixed-key-concurrent" }, async () => { calls++; await new Promise((r) => setTimeout(r, 30)); return "value"; });
    const states = await run(() => flow(async () => Promise.all([slow.submit(), slow.submit(), slow.submit()].map((f) => f.wait())))());
    assert.equal(calls, 1);
    assert.deepEqual(states.map((s) => s.name).sort(), ["Cached", "Cached", "Completed"]);
    for (const s of states) assert.equal(await s.result(), "value");
  });
});

describe("cache policies", () => {
  it("INPUTS caches on the inputs; INPUTS.exclude leaves some out", async () => {
    let calls = 0;
    const f = task({ cachePolicy: INPUTS.exclude("verbose") }, (n: number, verbose: boolean) => { calls++; return verbose ? n : -n; });
    await run(() => f(1, true));
    assert.equal(await run(() => f(1, false)), 1, "verbose is not part of the key");
    await run(() => f(2, false));
    assert.equal(calls, 2);
  });

  it("TASK_SOURCE: the same inputs with edited code is a miss", async () => {
    const v1 = task({ name: "edited", cachePolicy: INPUTS.add(TASK_SOURCE) }, (n: number) => n + 1);
    const v2 = task({ name: "edited", cachePolicy: INPUTS.add(TASK_SOURCE) }, (n: number) => n + 2);
    assert.equal(await run(() => v1(1)), 2);
    assert.equal(await run(() => v1(1)), 2);
    assert.equal(await run(() => v2(1)), 3);
  });

  it("FLOW_PARAMETERS and RUN_ID scope the cache to flow parameters and to one flow run", async () => {
    let calls = 0;
    const perParams = task({ cachePolicy: FLOW_PARAMETERS }, () => ++calls);
    const perRun = task({ cachePolicy: RUN_ID }, () => ++calls);
    const f = flow(async (_region: string) => [await perParams(), await perParams(), await perRun(), await perRun()]);
    const a = await run(() => f("eu"));
    assert.equal(a[0], a[1]);
    assert.equal(a[2], a[3]);
    const b = await run(() => f("eu"));
    assert.equal(b[0], a[0], "same flow parameters: hit");
    assert.notEqual(b[2], a[2], "another flow run: miss");
    const c = await run(() => f("us"));
    assert.notEqual(c[0], a[0], "other flow parameters: miss");
  });

  it("NONE caches nothing and needs no persistence", async () => {
    let calls = 0;
    const none = task({ cachePolicy: NONE, persistResult: false }, () => ++calls);
    await run(() => none());
    await run(() => none());
    assert.equal(calls, 2);
  });

  it("a cache key function sees the call's context", async () => {
    let seen: CacheKeyContext | undefined;
    const f = task({ cacheKeyFn: (ctx) => { seen = ctx; return null; } }, (city: string) => city);
    await run(() => flow({ name: "ctx-flow" }, async () => { await f("Paris"); return getRunContext(); })());
    assert.deepEqual(seen?.parameters, { city: "Paris" });
    assert.equal(seen?.flowRun?.flowName, "ctx-flow");
    assert.equal(seen?.taskName, "f");
  });
});
