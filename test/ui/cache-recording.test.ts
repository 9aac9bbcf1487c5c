// The engine records what each cache lookup found, for the UI's cache page: a Cached
// state names the entry it reused; a run that missed says why on its first RUNNING state.
// Two engines share one store, so lookups go to the store (not the engine's recent entries).
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Engine, flow, loadSettings, task } from "../../src/index.js";
import type { StateRecord, TaskRunRecord } from "../../src/records/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";

let t: TestEngine;
let other: Engine;
before(() => {
  t = createTestEngine({ CAIRN_RESULTS_DEFAULT_SERIALIZER: "json" });
  other = new Engine({ settings: loadSettings({ env: t.env, cwd: t.home }) });
});
after(async () => {
  await other.close();
  await t.cleanup();
});

interface Details {
  cacheKey?: string;
  cache?: { hit: boolean; reason?: string; entryTaskRunId?: string | null; message?: string };
  inputs?: { name: string; upstream?: string[] }[];
}

/** The newest task run of `taskKey` and its states' parsed details. */
async function newestRun(taskKey: string): Promise<{ run: TaskRunRecord; states: (StateRecord & { parsed: Details })[] }> {
  const client = await t.engine.client();
  const runs = await client.readTaskRuns({ taskKey });
  const run = runs.at(-1)!;
  const states = (await client.readStates(run.id)).map((s) => ({ ...s, parsed: (s.details === null ? {} : JSON.parse(s.details)) as Details }));
  return { run, states };
}

const firstRunning = (states: { type: string; parsed: Details }[]) => states.find((s) => s.type === "RUNNING")!.parsed;

/** The blob file of a task run's result. */
function blobPath(run: TaskRunRecord): string {
  const ref = JSON.parse(run.stateData!) as { storageKey: string };
  return join(t.home, "results", ref.storageKey);
}

describe("cache outcomes in state details", () => {
  test("a first run misses with no-entry; another process's run hits and names the entry", async () => {
    const square = task({ name: "square-rec", cacheKeyFn: (_c, [n]) => `square-rec-${String(n)}` }, (n: number) => n * n);
    await t.engine.run(() => square(3));
    const first = await newestRun(square.taskKey);
    assert.deepEqual(firstRunning(first.states).cache, { hit: false, reason: "no-entry" });
    assert.equal(firstRunning(first.states).cacheKey, "square-rec-3");
    assert.equal(first.run.cacheKey, "square-rec-3");

    assert.equal(await other.run(() => square(3)), 9);
    const second = await newestRun(square.taskKey);
    const cached = second.states.at(-1)!;
    assert.equal(cached.name, "Cached");
    assert.deepEqual(cached.parsed.cache, { hit: true, entryTaskRunId: first.run.id });
    assert.equal(second.run.cacheKey, null, "a hit is not an entry itself");
  });

  test("an expired entry is a miss with reason expired, naming the entry", async () => {
    const short = task({ name: "short-rec", cacheKeyFn: () => "short-rec", cacheExpirationSeconds: 0.2 }, () => 1);
    await t.engine.run(() => short());
    const first = await newestRun(short.taskKey);
    await new Promise((r) => setTimeout(r, 300));
    await other.run(() => short());
    const second = await newestRun(short.taskKey);
    assert.notEqual(second.run.id, first.run.id);
    assert.deepEqual(firstRunning(second.states).cache, { hit: false, reason: "expired", entryTaskRunId: first.run.id });
  });

  test("a deleted blob is a miss with reason missing-blob", async () => {
    const gone = task({ name: "gone-rec", cacheKeyFn: () => "gone-rec" }, () => ({ a: 1 }));
    await t.engine.run(() => gone());
    const first = await newestRun(gone.taskKey);
    rmSync(blobPath(first.run));
    assert.deepEqual(await other.run(() => gone()), { a: 1 });
    const cache = firstRunning((await newestRun(gone.taskKey)).states).cache!;
    assert.equal(cache.reason, "missing-blob");
    assert.equal(cache.entryTaskRunId, first.run.id);
    assert.match(cache.message!, /No result is stored at key/);
  });

  test("a tampered blob is a miss with reason corrupt-blob", async () => {
    const edited = task({ name: "edited-rec", cacheKeyFn: () => "edited-rec" }, () => ({ amount: 100 }));
    await t.engine.run(() => edited());
    const first = await newestRun(edited.taskKey);
    const file = blobPath(first.run);
    writeFileSync(file, readFileSync(file, "utf8").replace('"amount\\":100', '"amount\\":999'));
    assert.deepEqual(await other.run(() => edited()), { amount: 100 });
    const cache = firstRunning((await newestRun(edited.taskKey)).states).cache!;
    assert.equal(cache.reason, "corrupt-blob");
    assert.match(cache.message!, /corrupted/);
  });

  test("a blob replaced by another valid blob is a miss with reason replaced-blob", async () => {
    const swapped = task({ name: "swapped-rec", cacheKeyFn: () => "swapped-rec" }, () => ({ b: 1 }));
    const donor = task({ name: "donor-rec", persistResult: true }, () => ({ b: 2 }));
    await t.engine.run(() => swapped());
    await t.engine.run(() => donor());
    const first = await newestRun(swapped.taskKey);
    writeFileSync(blobPath(first.run), readFileSync(blobPath((await newestRun(donor.taskKey)).run)));
    assert.deepEqual(await other.run(() => swapped()), { b: 1 });
    const cache = firstRunning((await newestRun(swapped.taskKey)).states).cache!;
    assert.equal(cache.reason, "replaced-blob");
    assert.equal(cache.entryTaskRunId, first.run.id);
    assert.match(cache.message!, /was replaced since/);
  });

  test("refreshCache is a miss with reason refreshed", async () => {
    const fresh = task({ name: "fresh-rec", cacheKeyFn: () => "fresh-rec" }, () => 1);
    await t.engine.run(() => fresh());
    await t.engine.run(() => fresh.withOptions({ refreshCache: true })());
    const runs = await (await t.engine.client()).readTaskRuns({ flowRunId: undefined });
    const refreshed = runs.filter((r) => r.name.startsWith("fresh-rec")).at(-1)!;
    const states = await (await t.engine.client()).readStates(refreshed.id);
    const running = JSON.parse(states.find((s) => s.type === "RUNNING")!.details!) as Details;
    assert.deepEqual(running.cache, { hit: false, reason: "refreshed" });
  });
});

describe("task inputs in state details", () => {
  test("the first RUNNING state lists the parameter names and the task runs whose futures fed them", async () => {
    const make = task({ name: "make-input" }, () => 2);
    const combine = task({ name: "combine-inputs" }, (left: number, right: number[], factor: number) => (left + right.length) * factor);
    let upstream: string[] = [];
    const f = flow({ name: "inputs-flow" }, async () => {
      const a = make.submit();
      const b = make.submit();
      upstream = [a.taskRunId, b.taskRunId];
      return combine(a as never, [b, 5] as never, 10);
    });
    assert.equal(await t.engine.run(() => f()), 40);
    const { states } = await newestRun(combine.taskKey);
    assert.deepEqual(firstRunning(states).inputs, [
      { name: "left", upstream: [upstream[0]!] },
      { name: "right", upstream: [upstream[1]!] },
      { name: "factor" },
    ]);
  });
});
