// A Redis that stops answering while jobs are being added (a private redis-server, paused with
// CLIENT PAUSE): the submitted runs fail within the runner's timeout, and the jobs Redis takes
// once it answers again are taken back — no job of a run that ended FAILED is left to run.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { BullMQTaskRunner } from "../../src/bullmq.js";
import { flow } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { nap } from "./fixtures/tasks.js";
import { eventually, uniqueQueue } from "./support/worker-process.js";

const PORT = 6300 + (process.pid % 90);
const URL = `redis://127.0.0.1:${PORT}`;
const { queue, prefix } = uniqueQueue("stalled");
let server: ChildProcess;
let t: TestEngine;

before(async () => {
  server = spawn("redis-server", ["--port", String(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const probe = new Redis(URL, { lazyConnect: true, retryStrategy: () => 50 });
  probe.on("error", () => undefined); // refused until the server listens
  await eventually(async () => (await probe.ping().catch(() => "")) === "PONG", 10_000, "the private redis-server answers");
  probe.disconnect();
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
  server.kill("SIGKILL");
});

describe("Redis that stops answering while jobs are added", () => {
  it("fails the runs within the timeout, and removes their jobs once Redis takes them", async () => {
    const runner = new BullMQTaskRunner({ connection: URL, queue, prefix, connectTimeoutSeconds: 1 });
    const admin = new Redis(URL);
    const inspect = new Queue(queue, { connection: { url: URL }, prefix });
    try {
      // A run in flight (no worker takes it) keeps the runner's connection open throughout.
      const holding = flow({ name: "holding", taskRunner: runner }, async () => nap.submit(60_000).result());
      const held = t.engine.run(() => holding.returnState());
      await eventually(async () => (await inspect.getWaitingCount()) === 1, 10_000, "the holding job queued");

      await admin.client("PAUSE", "2500", "WRITE");
      const stalled = flow({ name: "stalled", taskRunner: runner }, async () => Promise.all(nap.map([1, 2, 3]).map((x) => x.result())));
      const started = Date.now();
      const state = await t.engine.run(() => stalled.returnState());
      assert.ok(Date.now() - started < 2_400, `failed after ${Date.now() - started} ms, before Redis answered again`);
      assert.equal(state.type, "FAILED");
      assert.match(state.message ?? "", new RegExp(`^Cannot reach Redis at redis://127\\.0\\.0\\.1:${PORT} to add jobs to queue '${queue}'`));

      // Redis answers again and takes the three jobs: the runner takes them back.
      await eventually(async () => (await inspect.getWaitingCount()) === 1, 10_000, "only the holding job left in the queue");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await inspect.getWaitingCount(), 1, "the stalled flow's jobs stay removed");

      await runner.close();
      assert.equal((await held).type, "FAILED", "the holding flow ends when its runner closes");
    } finally {
      await runner.close();
      await inspect.close();
      admin.disconnect();
    }
  });
});
