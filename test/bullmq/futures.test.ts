// The futures contract against BullMQ: the flow runs here, its submitted task runs run in
// a real `cairn worker` process sharing this test's CAIRN_HOME (the embedded SQLite store).
import { after, before } from "node:test";
import { BullMQTaskRunner } from "../../src/bullmq.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { futuresContract } from "../task-runners/futures.contract.js";
import { cleanRedis, REDIS_URL, startWorker, uniqueQueue, type WorkerProcess } from "./support/worker-process.js";

const { queue, prefix } = uniqueQueue("futures");
const runner = new BullMQTaskRunner({ connection: REDIS_URL, queue, prefix });
let t: TestEngine;
let worker: WorkerProcess;

before(async () => {
  t = createTestEngine();
  worker = await startWorker({ env: t.env, modules: ["test/task-runners/fixtures/futures-tasks.ts"], queue, prefix, concurrency: 4 });
});
after(async () => {
  await runner.close();
  await worker.stop();
  await t.cleanup();
  await cleanRedis(prefix);
});

futuresContract("the BullMQ runner", { current: () => ({ runner, engine: t.engine }), remote: true });
