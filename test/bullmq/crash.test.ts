// Workers killed with SIGKILL mid-task (BullMQ's stalled-job handling gives the job to
// another worker; Cairn records the lost attempt CRASHED and retries it if it may), and
// one cache key computed once by two workers at the same time.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BullMQTaskRunner } from "../../src/bullmq.js";
import { flow } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { cachedDouble, hangAlways, hangOnce } from "./fixtures/tasks.js";
import { cleanRedis, eventually, REDIS_URL, startWorker, uniqueQueue, type WorkerProcess } from "./support/worker-process.js";

const MODULE = "test/bullmq/fixtures/tasks.ts";
const { queue, prefix } = uniqueQueue("crash");
const runner = new BullMQTaskRunner({ connection: REDIS_URL, queue, prefix });
let t: TestEngine;
let dir: string;
const workers: WorkerProcess[] = [];
const start = async (): Promise<WorkerProcess> => {
  const w = await startWorker({ env: { ...t.env, CAIRN_WORKER_LOCK_SECONDS: "1" }, modules: [MODULE], queue, prefix });
  workers.push(w);
  return w;
};
/** The worker that marked `file` (the one running the task). */
const holder = (file: string): WorkerProcess => {
  const pid = Number(readFileSync(file, "utf8"));
  const w = workers.find((x) => x.pid === pid);
  assert.ok(w, `no worker with pid ${pid}`);
  return w;
};

before(async () => {
  t = createTestEngine();
  dir = mkdtempSync(join(tmpdir(), "cairn-crash-"));
  // Two killed, two left for the cache test: start them all at once.
  await Promise.all([start(), start(), start(), start()]);
});
after(async () => {
  await runner.close();
  for (const w of workers) await w.kill9();
  await t.cleanup();
  await cleanRedis(prefix);
  rmSync(dir, { recursive: true, force: true });
});

describe("a worker killed mid-task", () => {
  it("with retries left: the lost attempt is recorded CRASHED, another worker retries it, the run is COMPLETED once", async () => {
    const file = join(dir, "once");
    const f = flow({ name: "survives", taskRunner: runner }, async () => hangOnce.submit(file).result());
    const result = t.engine.run(() => f());
    await eventually(() => existsSync(file) && readFileSync(file, "utf8") !== "", 20_000, "the task started");
    const victim = holder(file);
    await victim.kill9();
    const value = await result;
    const alive = workers.filter((w) => w !== victim && w.child.exitCode === null && w.child.signalCode === null).map((w) => w.pid);
    assert.match(String(value), new RegExp(`^done by (${alive.join("|")})$`), "the result is the retry's value, from another worker");

    const client = await t.engine.client();
    const [run] = await client.readTaskRuns({ flowRunId: (await client.readFlowRuns({ flowName: "survives" }))[0]!.id });
    const states = await client.readStates(run!.id);
    // The killed worker's RUNNING state may not have been written yet (a crash loses at most the unflushed tail).
    assert.deepEqual(
      states.map((s) => `${s.type}/${s.name}`).filter((s) => s !== "RUNNING/Running"),
      ["PENDING/Pending", "CRASHED/Crashed", "RUNNING/Retrying", "COMPLETED/Completed"],
    );
    const crashed = states.find((s) => s.type === "CRASHED")!;
    assert.match(crashed.message ?? "", /Attempt 1 of task run 'hangOnce-0' was lost: the worker running it stopped .* Retrying \(1 attempt left\)\./);
    assert.equal(states.filter((s) => s.type === "COMPLETED").length, 1);
    assert.equal(run!.runCount, 2);
  });

  it("without retries: the run ends CRASHED, and the flow sees it", async () => {
    const file = join(dir, "always");
    const f = flow({ name: "crashes", taskRunner: runner }, async () => hangAlways.submit(file).result());
    const state = t.engine.run(() => f.returnState());
    await eventually(() => existsSync(file) && readFileSync(file, "utf8") !== "", 20_000, "the task started");
    await holder(file).kill9();
    const final = await state;
    assert.equal(final.type, "FAILED");
    assert.match(final.message ?? "", /Attempt 1 of task run 'hangAlways-0' was lost: .* No retries are left \(retries: 0\), so the run ends CRASHED\./);
    const client = await t.engine.client();
    const [run] = await client.readTaskRuns({ flowRunId: (await client.readFlowRuns({ flowName: "crashes" }))[0]!.id });
    assert.equal(run!.stateType, "CRASHED");
    const states = await client.readStates(run!.id);
    assert.deepEqual(states.map((s) => s.type).filter((s) => s !== "RUNNING"), ["PENDING", "CRASHED"]);
  });
});

describe("caching across workers", () => {
  it("two flows computing the same cache key at once compute it once", async () => {
    const file = join(dir, "computed");
    const f = flow({ name: "cached", taskRunner: runner }, async () => cachedDouble.submit(21, file).result());
    const values = await Promise.all([t.engine.run(() => f()), t.engine.run(() => f())]);
    assert.deepEqual(values, [42, 42]);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    assert.equal(lines.length, 1, "computed once");
    const client = await t.engine.client();
    const runs = (await Promise.all((await client.readFlowRuns({ flowName: "cached" })).map((r) => client.readTaskRuns({ flowRunId: r.id })))).flat();
    assert.deepEqual(runs.map((r) => r.stateName).sort(), ["Cached", "Completed"]);
    assert.notEqual(runs[0]!.owner.pid, runs[1]!.owner.pid, `on two different workers: ${JSON.stringify(runs.map((r) => [r.owner, r.stateName, r.startTime, r.endTime]))} alive ${workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null).map((w) => w.pid).join(",")}`);
  });
});
