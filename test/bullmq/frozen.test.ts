// Workers frozen past their job's lock (SIGSTOP, a blocked event loop): BullMQ gives the job
// to another worker, and the frozen one, once it wakes up, records nothing — a task run is
// never COMPLETED twice, and its result is the one attempt's value that was recorded.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { BullMQTaskRunner } from "../../src/bullmq.js";
import { Engine } from "../../src/engine/engine.js";
import { flow } from "../../src/index.js";
import { loadSettings } from "../../src/settings/index.js";
import { CacheKeyLock } from "../../src/task-runners/bullmq/cache-key-lock.js";
import { CairnRedisKeys } from "../../src/task-runners/bullmq/redis-keys.js";
import { WorkerRegistry } from "../../src/worker/worker-registry.js";
import { JobProcessor } from "../../src/worker/job-processor.js";
import { TaskCatalog } from "../../src/worker/task-catalog.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import type * as FrozenTasks from "./fixtures/frozen-tasks.js";
import { cleanRedis, eventually, REDIS_URL, startWorker, uniqueQueue, type WorkerProcess } from "./support/worker-process.js";

type Tasks = typeof FrozenTasks;
const MODULE = "test/bullmq/fixtures/frozen-tasks.ts";
const LOCK_MS = 1000;
let t: TestEngine;
let dir: string;
let tasks: Tasks;
let catalog: TaskCatalog;
const workers: WorkerProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const env = (): Record<string, string | undefined> => ({ ...t.env, CAIRN_WORKER_LOCK_SECONDS: String(LOCK_MS / 1000) });
const early = uniqueQueue("frozen-early");
const mid = uniqueQueue("frozen-mid");

before(async () => {
  t = createTestEngine();
  dir = mkdtempSync(join(tmpdir(), "cairn-frozen-"));
  // The in-process worker's catalog first (it records the tasks defined while the module loads).
  catalog = await TaskCatalog.load([MODULE], process.cwd());
  tasks = (await import("./fixtures/frozen-tasks.js")) as Tasks;
  cleanups.push(() => cleanRedis(early.prefix), () => cleanRedis(mid.prefix));
  await Promise.all([start(early.queue, early.prefix), start(mid.queue, mid.prefix), start(mid.queue, mid.prefix)]);
});
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  for (const w of workers) {
    try {
      process.kill(w.pid, "SIGCONT");
    } catch {
      // already gone
    }
    await w.kill9();
  }
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function start(queue: string, prefix: string): Promise<WorkerProcess> {
  const w = await startWorker({ env: env(), modules: [MODULE], queue, prefix });
  workers.push(w);
  return w;
}

/** The states of the one task run of the flow run named `flowName`. */
async function statesOf(flowName: string) {
  const client = await t.engine.client();
  const [run] = await client.readTaskRuns({ flowRunId: (await client.readFlowRuns({ flowName }))[0]!.id });
  return { run: run!, states: await client.readStates(run!.id) };
}

/** Blocks this whole process (timers, sockets, BullMQ's lock renewal) for `ms`, as a freeze would. */
function freezeThisProcess(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe("a worker frozen past its job's lock", () => {
  it("between taking the job and processing it: on waking it does not run the task, and records nothing", async () => {
    const { queue, prefix } = early;
    const other = workers.find((w) => w.output().includes(queue))!;
    process.kill(other.pid, "SIGSTOP"); // so that the in-process worker below takes the job

    // A worker in this process, built as `cairn worker start` builds one, on its own engine.
    const settings = loadSettings({ env: env(), cwd: t.home });
    const engine = new Engine({ settings, handleSignals: false });
    const redis = new Redis(REDIS_URL);
    const keys = new CairnRedisKeys(prefix, queue);
    const processor = new JobProcessor({
      engine, catalog, locks: new CacheKeyLock(redis, keys, LOCK_MS), lockMs: LOCK_MS, inlineMaxBytes: 256 * 1024,
      jobConnection: (): Promise<Redis> => frozen.getBackend().client as never,
    });
    const attempts: Promise<unknown>[] = [];
    const frozen = new Worker(queue, (job, token) => {
      const attempt = processor.process(job, token);
      attempts.push(attempt.catch((error: unknown) => error));
      return attempt;
    }, { connection: { url: REDIS_URL }, prefix, lockDuration: LOCK_MS, stalledInterval: LOCK_MS, maxStalledCount: 1_000_000 });
    frozen.on("error", () => undefined);
    cleanups.push(async () => {
      await frozen.close(true);
      redis.disconnect();
      await engine.close();
    });
    // Fault injected: once it holds the job's lock, before it processes the job, this process
    // freezes for 3 s (the other worker, woken, takes the job over meanwhile).
    frozen.once("active", () => {
      process.kill(other.pid, "SIGCONT");
      freezeThisProcess(3000);
    });
    await frozen.waitUntilReady();

    const file = join(dir, "early");
    const runner = new BullMQTaskRunner({ connection: REDIS_URL, queue, prefix });
    cleanups.push(() => runner.close());
    const f = flow({ name: "frozen-early", taskRunner: runner }, async () => tasks.countedRun.submit(file).result());
    const value = await t.engine.run(() => f());
    assert.equal(value, `ran by ${other.pid}`, "the result is the other worker's");
    await eventually(() => attempts.length === 1, 10_000, "the frozen worker processed the job once it woke");
    const refused = await attempts[0];
    assert.ok(refused instanceof Error);
    assert.match(refused.message, /^Task run 'countedRun-0': this worker lost the job's lock before it began \(another worker took it over\); it does not run it\.$/);
    assert.deepEqual(readFileSync(file, "utf8").trim().split("\n"), [String(other.pid)], "the task ran once, on the other worker");

    await engine.flush();
    const { run, states } = await statesOf("frozen-early");
    assert.deepEqual(states.map((s) => `${s.type}/${s.name}`), ["PENDING/Pending", "CRASHED/Crashed", "RUNNING/Retrying", "COMPLETED/Completed"]);
    assert.equal(run.stateType, "COMPLETED");
    assert.equal(run.owner.pid, other.pid);
  });

  it("mid-task (SIGSTOP): on waking it finishes the task but records nothing; the run is COMPLETED once", async () => {
    const { queue, prefix } = mid;
    const file = join(dir, "mid");
    const runner = new BullMQTaskRunner({ connection: REDIS_URL, queue, prefix });
    cleanups.push(() => runner.close());
    const f = flow({ name: "frozen-mid", taskRunner: runner }, async () => tasks.slowOnce.submit(file).result());
    const result = t.engine.run(() => f());
    await eventually(() => existsSync(file) && readFileSync(file, "utf8") !== "", 20_000, "the task started");
    // Its RUNNING state is in the store (a worker frozen before its queued writes went out
    // writes them on waking, over the row: see docs/distributed.md, Limits).
    const client = await t.engine.client();
    await eventually(async () => {
      const [flowRun] = await client.readFlowRuns({ flowName: "frozen-mid" });
      const [run] = flowRun === undefined ? [] : await client.readTaskRuns({ flowRunId: flowRun.id });
      return run?.stateType === "RUNNING";
    }, 10_000, "the RUNNING state written");
    const sleeper = workers.find((w) => w.pid === Number(readFileSync(file, "utf8")))!;
    const other = workers.find((w) => w !== sleeper && w.child.exitCode === null && w.output().includes(queue))!;
    process.kill(sleeper.pid, "SIGSTOP");
    const value = await result;
    assert.equal(value, `ran by ${other.pid}`, "the result is the attempt of the worker that took over");
    process.kill(sleeper.pid, "SIGCONT");

    // The woken worker ends its attempt (its task returns) and counts the job finished.
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => redis.disconnect());
    const registry = new WorkerRegistry(redis, new CairnRedisKeys(prefix, queue));
    await eventually(async () => (await registry.list()).find((w) => w.pid === sleeper.pid)?.finished === 1, 15_000, "the frozen worker finished its job");
    const { run, states } = await statesOf("frozen-mid");
    assert.deepEqual(
      states.map((s) => `${s.type}/${s.name}`).filter((s) => s !== "RUNNING/Running"),
      ["PENDING/Pending", "CRASHED/Crashed", "RUNNING/Retrying", "COMPLETED/Completed"],
    );
    assert.equal(states.filter((s) => s.type === "COMPLETED").length, 1);
    assert.equal(run.stateType, "COMPLETED");
    assert.equal(run.owner.pid, other.pid);
  });
});
