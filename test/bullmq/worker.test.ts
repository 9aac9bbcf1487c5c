// `cairn worker start|ls` with real worker processes: modules and task keys, the listing,
// and draining on SIGTERM.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BullMQTaskRunner } from "../../src/bullmq.js";
import { runCli } from "../../src/cli/main.js";
import { flow, LocalFileSystem, PersistedResultBlob, resolveSerializer, RunTimeoutError, task } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { flaky, nap, persistedSquare, tooSlow } from "./fixtures/tasks.js";
import { cleanRedis, eventually, REDIS_URL, startWorker, uniqueQueue, type WorkerProcess } from "./support/worker-process.js";

const MODULE = "test/bullmq/fixtures/tasks.ts";
const { queue, prefix } = uniqueQueue("worker");
const runner = new BullMQTaskRunner({ connection: REDIS_URL, queue, prefix });
let t: TestEngine;
let worker: WorkerProcess;
const others: WorkerProcess[] = [];

before(async () => {
  t = createTestEngine();
  worker = await startWorker({ env: t.env, modules: [MODULE], queue, prefix, concurrency: 1 });
});
after(async () => {
  await runner.close();
  for (const w of [worker, ...others]) await w.kill9();
  await t.cleanup();
  await cleanRedis(prefix);
});

const ls = (...args: string[]) => runCli(["worker", "ls", "--prefix", prefix, "--redis", REDIS_URL, ...args], { env: { CAIRN_HOME: t.home } });

describe("cairn worker start: modules and task keys", () => {
  it("refuses at start two different tasks with one key, naming the key and the modules", async () => {
    const w = await startWorker({
      env: t.env, modules: ["test/bullmq/fixtures/clash-a.ts", "test/bullmq/fixtures/clash-b.ts"], queue, prefix, expectExit: true,
    });
    assert.equal(await w.exited, 1);
    assert.match(w.output(), /Two different tasks have the key 'clash-[0-9a-f]{12}' \(one from test\/bullmq\/fixtures\/clash-a\.ts, one from test\/bullmq\/fixtures\/clash-b\.ts/);
    assert.match(w.output(), /Give one of them another name/);
  });

  it("refuses a module that cannot be imported, naming it", async () => {
    const w = await startWorker({ env: t.env, modules: ["test/bullmq/fixtures/broken-module.ts"], queue, prefix, expectExit: true });
    assert.equal(await w.exited, 1);
    assert.match(w.output(), /could not import the module test\/bullmq\/fixtures\/broken-module\.ts: this module is broken on purpose/);
  });

  it("fails a task run whose task no loaded module defines, naming its key and the modules", async () => {
    const stranger = task((n: number) => n - 1); // defined here only: the worker does not know it
    const f = flow({ taskRunner: runner }, async () => [await stranger.submit(1).wait()]);
    const [state] = await t.engine.run(() => f());
    assert.ok(state !== undefined);
    assert.equal(state.type, "FAILED");
    assert.match(state.message ?? "", new RegExp(`no task with key '${stranger.taskKey}': the modules it loaded \\(${MODULE.replace(/[./]/g, "\\$&")}\\) define .*nap-`));
    const error = (await state.result({ raiseOnFailure: false })) as { code?: string };
    assert.equal(error.code, "TASK_NOT_FOUND");
    const client = await t.engine.client();
    const [run] = await client.readTaskRuns({ flowRunId: (await client.readFlowRuns())[0]!.id });
    assert.equal(run?.stateType, "FAILED", "the worker recorded it in the shared store");
    assert.notEqual(run?.owner.pid, process.pid);
  });
});

describe("the worker runs task runs with the engine's semantics", () => {
  it("retries a failing attempt, recording every state in the flow's store", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-flaky-"));
    try {
      const f = flow({ name: "retried", taskRunner: runner }, async () => flaky.submit(join(dir, "marker")).result());
      assert.equal(await t.engine.run(() => f()), "second attempt");
      const client = await t.engine.client();
      const [run] = await client.readTaskRuns({ flowRunId: (await client.readFlowRuns({ flowName: "retried" }))[0]!.id });
      const states = await client.readStates(run!.id);
      assert.deepEqual(states.map((s) => s.name), ["Pending", "Running", "AwaitingRetry", "Retrying", "Completed"]);
      assert.equal(run!.runCount, 2);
      assert.equal(run!.owner.pid, worker.pid);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("applies the task's timeout: the flow gets a RunTimeoutError", async () => {
    const f = flow({ name: "timed-out", taskRunner: runner }, async () => [await tooSlow.submit().wait()]);
    const [state] = await t.engine.run(() => f());
    assert.equal(state!.type, "FAILED");
    assert.match(state!.message ?? "", /^Task run 'tooSlow-0' timed out after 0\.3 seconds/);
    const error: unknown = await state!.result({ raiseOnFailure: false });
    assert.ok(error instanceof RunTimeoutError, "the error keeps its class across processes");
  });

  it("persists results per DESIGN §3 to the flow's result storage", async () => {
    const base = mkdtempSync(join(tmpdir(), "cairn-flow-storage-"));
    try {
      const f = flow({ name: "persisting", taskRunner: runner, resultStorage: new LocalFileSystem({ basepath: base }) }, async () =>
        persistedSquare.submit(7).result());
      assert.deepEqual(await t.engine.run(() => f()), { n: 7, square: 49 });
      const client = await t.engine.client();
      const [run] = await client.readTaskRuns({ flowRunId: (await client.readFlowRuns({ flowName: "persisting" }))[0]!.id });
      const record = JSON.parse(run!.stateData!) as { type: string; storageKey: string };
      assert.equal(record.type, "reference", "retries: 1 persists the task's result (rule 2)");
      const file = join(base, record.storageKey);
      assert.ok(existsSync(file), "written by the worker into the flow's storage");
      const blob = PersistedResultBlob.parse(JSON.parse(readFileSync(file, "utf8")) as unknown);
      assert.deepEqual(await resolveSerializer(blob.serializer).loads(blob.data), { n: 7, square: 49 });
      const names = readdirSync(base);
      assert.ok(names.includes(record.storageKey));
      assert.equal(names.filter((n) => n !== "cairn-probes").length, 2, "the task's result and the flow's (rule 3), nothing else");
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe("cairn worker ls and SIGTERM", () => {
  it("lists the live worker: host, pid, queue, concurrency, running and finished counts, last heartbeat", async () => {
    const f = flow({ taskRunner: runner }, async () => Promise.all(nap.map([1, 1]).map((x) => x.result())));
    await t.engine.run(() => f());
    const listed = async () =>
      (JSON.parse((await ls("--json", "--queue", queue)).stdout) as { pid: number; finished: number; running: number; concurrency: number }[]).find(
        (w) => w.pid === worker.pid,
      );
    await eventually(async () => ((await listed())?.finished ?? 0) >= 2, 10_000, "the finished count in the listing");
    const run = await ls();
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split("\n");
    assert.match(lines[0]!, /^ID +HOST +PID +QUEUE +CONCURRENCY +RUNNING +FINISHED +LAST HEARTBEAT$/);
    const row = lines.find((l) => l.includes(` ${worker.pid} `));
    assert.ok(row, run.stdout);
    assert.match(row, new RegExp(`^\\S+ +\\S+ +${worker.pid} +${queue} +1 +0 +\\d+ +\\d+ s ago$`));
    const me = await listed();
    assert.ok(me !== undefined && me.finished >= 2 && me.running === 0 && me.concurrency === 1, JSON.stringify(me));
  });

  it("on SIGTERM takes no new job, lets the running one finish, and exits 0; another worker takes the rest", async () => {
    const f = flow({ taskRunner: runner }, async () => Promise.all(nap.map([1500, 10]).map((x) => x.result())));
    const done = t.engine.run(() => f());
    const client = await t.engine.client();
    const running = async () => (await client.readTaskRuns({})).filter((r) => r.name.startsWith("nap-") && r.stateType === "RUNNING");
    await eventually(async () => (await running()).some((r) => r.name === "nap-0"), 20_000, "nap-0 running");
    const flowRunId = (await running()).find((r) => r.name === "nap-0")!.flowRunId;
    const code = await worker.stop();
    assert.equal(code, 0, worker.output());
    assert.match(worker.output(), /Received SIGTERM: taking no new jobs; 1 running job\(s\)/);
    assert.match(worker.output(), /Worker stopped: \d+ job\(s\) finished\./);
    const runs = await client.readTaskRuns({ flowRunId: flowRunId! });
    assert.equal(runs.find((r) => r.name === "nap-0")?.stateType, "COMPLETED", "the running task finished before the worker exited");
    assert.equal(runs.find((r) => r.name === "nap-1")?.stateType, "PENDING", "the queued one was not taken");
    assert.doesNotMatch((await ls()).stdout, new RegExp(` ${worker.pid} `), "a stopped worker is not listed");

    const next = await startWorker({ env: t.env, modules: [MODULE], queue, prefix });
    others.push(next);
    assert.deepEqual(await done, [1500, 10]);
  });
});
