// What travels through Redis: small values only. Large return values and arguments go
// through the result storage as transient blobs (removed once read), Redis memory stays
// flat while they do, and storage the worker cannot reach fails the run naming it.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Queue } from "bullmq";
import { after, before, describe, it } from "node:test";
import { BullMQTaskRunner, DistributedError } from "../../src/bullmq.js";
import { flow, LocalFileSystem } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { bigBytes, describeBytes, pid } from "./fixtures/tasks.js";
import { cleanRedis, eventually, REDIS_URL, startWorker, testRedis, uniqueQueue, type WorkerProcess } from "./support/worker-process.js";

const { queue, prefix } = uniqueQueue("transport");
const runner = new BullMQTaskRunner({ connection: REDIS_URL, queue, prefix });
let t: TestEngine;
let worker: WorkerProcess;
let workerCwd: string;

const transientBlobs = (): string[] => {
  const folder = join(t.home, "results", "cairn-transient");
  return existsSync(folder) ? readdirSync(folder) : [];
};

before(async () => {
  t = createTestEngine();
  // The worker runs in another working directory: "/proc/self/cwd/..." names a different folder there.
  workerCwd = mkdtempSync(join(tmpdir(), "cairn-worker-cwd-"));
  worker = await startWorker({
    env: t.env, modules: [resolve("test/bullmq/fixtures/tasks.ts")], queue, prefix, concurrency: 2, cwd: workerCwd,
  });
});
after(async () => {
  await runner.close();
  await worker.stop();
  await t.cleanup();
  await cleanRedis(prefix);
  rmSync(workerCwd, { recursive: true, force: true });
});

describe("large values travel through result storage, not Redis", () => {
  it("Redis memory stays flat while 100 tasks return 5 MB each", async () => {
    // Ten flows of ten tasks: the flow holds 50 MB at a time, not 500.
    const tenFlows = flow({ name: "big-returns", taskRunner: runner }, async (from: number) => {
      const fills = Array.from({ length: 10 }, (_, i) => from + i);
      const futures = bigBytes.map(Array(10).fill(5), fills);
      return Promise.all(futures.map(async (f, i) => {
        const bytes = await f.result();
        return bytes.length === 5 * 1024 * 1024 && bytes[0] === fills[i] && bytes[bytes.length - 1] === fills[i] ? 1 : 0;
      }));
    });
    await t.engine.run(() => tenFlows(0)); // warm up: the queue's keys exist, connections are open
    const redis = testRedis();
    const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info("memory"))![1]);
    const baseline = await used();
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await used());
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    let received = 0;
    try {
      for (let from = 0; from < 100; from += 10) {
        const ok = await t.engine.run(() => tenFlows(from));
        received += ok.reduce((a: number, b) => a + b, 0);
      }
    } finally {
      sampling = false;
      await sampler;
      redis.disconnect();
    }
    assert.equal(received, 100, "every task's 5 MB came back");
    const growth = peak - baseline;
    assert.ok(growth <= 2 * 1024 * 1024, `Redis used_memory grew by ${(growth / 1e6).toFixed(2)} MB while 500 MB went through storage`);
    assert.deepEqual(transientBlobs(), [], "transient blobs are removed once read");
    const check = testRedis();
    try {
      assert.deepEqual(await check.keys(`${prefix}:${queue}:cairn-replies:*`), [], "the reply list is empty once the flows have their outcomes (Redis drops an empty list)");
      assert.deepEqual(await check.keys(`${prefix}:${queue}:[0-9a-f]*-*`), [], "completed jobs are removed from Redis");
    } finally {
      check.disconnect();
    }
  });

  it("an argument above the inline bound travels as a transient blob and is removed when the run ends", async () => {
    const f = flow({ name: "big-arg", taskRunner: runner }, async () => describeBytes.submit(new Uint8Array(1024 * 1024).fill(7)).result());
    assert.deepEqual(await t.engine.run(() => f()), [1024 * 1024, 7, 7]);
    assert.deepEqual(transientBlobs(), []);
  });

  it("a queued job holds a reference, not the value (CAIRN_WORKER_INLINE_MAX_BYTES)", async () => {
    const idle = uniqueQueue("unserved");
    const unserved = new BullMQTaskRunner({ connection: REDIS_URL, ...idle });
    const inspect = new Queue(idle.queue, { connection: { url: REDIS_URL }, prefix: idle.prefix });
    try {
      const f = flow({ name: "queued-big-arg", taskRunner: unserved, timeoutSeconds: 2 }, async () =>
        describeBytes.submit(new Uint8Array(300 * 1024).fill(1)).result());
      const state = t.engine.run(() => f.returnState());
      await eventually(async () => (await inspect.getWaitingCount()) === 1, 10_000, "the job queued");
      const [job] = await inspect.getWaiting();
      const text = JSON.stringify(job!.data);
      assert.ok(text.length < 8 * 1024, `the job is small (${text.length} characters)`);
      assert.match(text, /"transient":"cairn-transient\/[0-9a-f]{32}"/);
      assert.equal(transientBlobs().length, 1);
      assert.equal((await state).type, "FAILED"); // timed out: no worker serves that queue
      await eventually(() => transientBlobs().length === 0, 10_000, "the argument's blob removed");
    } finally {
      await unserved.close();
      await inspect.close();
      await cleanRedis(idle.prefix);
    }
  });
});

describe("storage a worker cannot reach", () => {
  it("fails the run at once, naming the storage and saying to use shared storage", async () => {
    // The same path names another folder in the worker's process: as if it were on another machine.
    const local = new LocalFileSystem({ basepath: `/proc/self/cwd/.tmp/not-shared-${process.pid}` });
    const f = flow({ name: "not-shared", taskRunner: runner, resultStorage: local }, async () => pid.submit().result());
    try {
      const state = await t.engine.run(() => f.returnState());
      assert.equal(state.type, "FAILED");
      assert.match(
        state.message ?? "",
        new RegExp(
          `^Task run 'pid-0' cannot run on worker .* \\(pid ${worker.pid}\\): the flow's result storage local-file-system at /proc/self/cwd/\\.tmp/not-shared-${process.pid} ` +
            "is not the same storage here: the check object cairn-probes/[0-9a-f]+ that the flow's process on .* wrote there is missing here.*" +
            "Use storage that the flow and every worker reach: S3, Azure Blob Storage, or a folder on a shared mount",
        ),
      );
      const error: unknown = await state.result({ raiseOnFailure: false });
      assert.ok(error instanceof DistributedError && error.code === "STORAGE_NOT_SHARED");
    } finally {
      rmSync(`.tmp/not-shared-${process.pid}`, { recursive: true, force: true });
    }
  });
});
