// Failures without a worker in the way: Redis unreachable, and flows that time out or fail
// while their jobs wait in the queue.
import assert from "node:assert/strict";
import { Queue, Worker } from "bullmq";
import { after, before, describe, it } from "node:test";
import { BullMQTaskRunner, DistributedError } from "../../src/bullmq.js";
import { flow, isCairnError } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { nap } from "./fixtures/tasks.js";
import { cleanRedis, eventually, REDIS_URL, uniqueQueue } from "./support/worker-process.js";

let t: TestEngine;
const { queue, prefix } = uniqueQueue("failures");
const runner = new BullMQTaskRunner({ connection: REDIS_URL, queue, prefix });
const inspect = new Queue(queue, { connection: { url: REDIS_URL }, prefix });

before(() => {
  t = createTestEngine();
});
after(async () => {
  await runner.close();
  await inspect.close();
  await t.cleanup();
  await cleanRedis(prefix);
});

describe("Redis unreachable", () => {
  it("fails the submitted task runs within a few seconds, naming the Redis URL; nothing hangs", async () => {
    const down = new BullMQTaskRunner({ connection: "redis://:hunter2@127.0.0.1:6390", queue, prefix, connectTimeoutSeconds: 2 });
    const f = flow({ name: "no-redis", taskRunner: down }, async () => Promise.all(nap.map([1, 2]).map((x) => x.result())));
    const started = Date.now();
    const state = await t.engine.run(() => f.returnState());
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.equal(state.type, "FAILED");
    assert.match(state.message ?? "", /^Cannot reach Redis at redis:\/\/:\*{8}@127\.0\.0\.1:6390 to submit task runs to queue 'failures-[0-9a-f]+': .*ECONNREFUSED.*Start Redis there/);
    const error = await state.result({ raiseOnFailure: false });
    assert.ok(error instanceof DistributedError && isCairnError(error, "REDIS_UNREACHABLE"));
    const client = await t.engine.client();
    const runs = await client.readTaskRuns({ flowRunId: (await client.readFlowRuns({ flowName: "no-redis" }))[0]!.id });
    assert.deepEqual(runs.map((r) => r.stateType), ["FAILED", "FAILED"], "each task run is recorded FAILED");
  });
});

describe("flows that end while their jobs are queued", () => {
  const waiting = async () => (await inspect.getJobCounts("waiting", "active", "delayed")) as Record<string, number>;

  it("a flow that times out removes its queued jobs and cancels their runs", async () => {
    const f = flow({ name: "times-out", taskRunner: runner, timeoutSeconds: 1 }, async () =>
      Promise.all(nap.map([5, 5, 5]).map((x) => x.result())));
    const state = await t.engine.run(() => f.returnState());
    assert.equal(state.type, "FAILED");
    assert.match(state.message ?? "", /timed out after 1 second/);
    const client = await t.engine.client();
    const flowRunId = (await client.readFlowRuns({ flowName: "times-out" }))[0]!.id;
    await eventually(async () => (await client.readTaskRuns({ flowRunId })).every((r) => r.stateType === "CANCELLED"), 10_000, "the runs cancelled");
    const [run] = await client.readTaskRuns({ flowRunId });
    assert.match(run!.stateMessage ?? "", /The flow run ended before task run 'nap-\d' started \(.*timed out.*\), so its queued job was removed\./);
    assert.equal((await waiting()).waiting, 0, "no job is left in the queue");
  });

  it("a flow that fails removes its queued jobs and cancels their runs", async () => {
    const f = flow({ name: "fails", taskRunner: runner }, async () => {
      nap.map([5, 5]);
      await new Promise((r) => setTimeout(r, 300)); // the jobs are in Redis by now
      throw new Error("the flow gave up");
    });
    const state = await t.engine.run(() => f.returnState());
    assert.equal(state.type, "FAILED");
    assert.equal(state.message, "the flow gave up");
    const client = await t.engine.client();
    const flowRunId = (await client.readFlowRuns({ flowName: "fails" }))[0]!.id;
    const runs = await client.readTaskRuns({ flowRunId });
    assert.deepEqual(runs.map((r) => r.stateType), ["CANCELLED", "CANCELLED"], "cancelled before the flow run ended");
    assert.equal((await waiting()).waiting, 0);
  });

  it("closing the runner while a flow waits on queued jobs cancels their runs and removes the jobs; the flow does not hang", async () => {
    const closing = new BullMQTaskRunner({ connection: REDIS_URL, queue, prefix });
    const f = flow({ name: "runner-closed", taskRunner: closing }, async () => {
      const futures = nap.map([5, 5]);
      await new Promise((r) => setTimeout(r, 300)); // the jobs are in Redis by now
      void closing.close();
      return Promise.all(futures.map((x) => x.result()));
    });
    const started = Date.now();
    const state = await t.engine.run(() => f.returnState());
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
    assert.ok(state.isFinal() && !state.isCompleted(), `the flow ended ${state.type}`);
    const expected = /^The BullMQ task runner was closed while task run 'nap-\d' was in flight, so the flow can no longer receive its outcome; its queued job was removed\. Close the runner only after the flows that use it have finished\.$/;
    assert.match(state.message ?? "", expected);
    const client = await t.engine.client();
    const flowRunId = (await client.readFlowRuns({ flowName: "runner-closed" }))[0]!.id;
    const runs = await client.readTaskRuns({ flowRunId });
    assert.deepEqual(runs.map((r) => r.stateType), ["CANCELLED", "CANCELLED"]);
    for (const run of runs) assert.match(run.stateMessage ?? "", expected);
    assert.equal((await waiting()).waiting, 0, "no job is left in the queue");
  });
});

describe("jobs that will bring no reply", () => {
  it("a job BullMQ failed outside a Cairn worker fails its run with BullMQ's reason", async () => {
    // A plain BullMQ worker (say, another producer's, on the same queue by mistake) takes the job and throws.
    const foreign = new Worker(queue, async () => {
      throw new Error("no processor for this job here");
    }, { connection: { url: REDIS_URL }, prefix });
    try {
      const f = flow({ name: "foreign-worker", taskRunner: runner }, async () => [await nap.submit(0).wait()]);
      const [state] = await t.engine.run(() => f());
      assert.equal(state!.type, "FAILED");
      assert.match(state!.message ?? "", /^The BullMQ job of task run 'nap-\d' failed outside the task: no processor for this job here\. See the worker's output/);
      const error: unknown = await state!.result({ raiseOnFailure: false });
      assert.ok(error instanceof DistributedError && isCairnError(error, "JOB_FAILED"));
    } finally {
      await foreign.close();
    }
  });

  it("a job removed from Redis behind the flow's back fails its run, saying so; the flow does not hang", async () => {
    const f = flow({ name: "job-removed", taskRunner: runner }, async () => {
      const future = nap.submit(0);
      await eventually(async () => (await waitingJobs()).length === 1, 5_000, "the job queued");
      await inspect.remove((await waitingJobs())[0]!.id!);
      return [await future.wait()];
    });
    const [state] = await t.engine.run(() => f());
    assert.equal(state!.type, "FAILED");
    assert.match(state!.message ?? "", /failed outside the task: the job is gone from Redis without a reply \(removed, or its queue was cleared or obliterated\)/);
    assert.match(state!.message ?? "", /Keep the queue to Cairn alone .* running the flow again runs the task run again\.$/, "says what to do");
    const client = await t.engine.client();
    const [run] = await client.readTaskRuns({ flowRunId: (await client.readFlowRuns({ flowName: "job-removed" }))[0]!.id });
    assert.equal(run!.stateType, "FAILED", "the run is recorded FAILED");
  });

  it("a run its worker recorded, whose reply was lost, ends as recorded (not FAILED); its unpersisted value says it is gone", async () => {
    // Fault injection: a worker that records the run COMPLETED in the store and completes the job, but whose reply never comes.
    const client = await t.engine.client();
    const replyless = new Worker(queue, async (job) => {
      const id = (job.data as { spec: { taskRun: { id: string } } }).spec.taskRun.id;
      const row = (await client.readTaskRun(id))!;
      const now = new Date().toISOString();
      client.recordTaskRun({ ...row, stateType: "COMPLETED", stateName: "Completed", stateTimestamp: now, stateData: JSON.stringify({ type: "unpersisted" }), runCount: 1, startTime: now, endTime: now });
      await client.flush();
      return { replied: true };
    }, { connection: { url: REDIS_URL }, prefix });
    try {
      const f = flow({ name: "reply-lost", taskRunner: runner }, async () => [await nap.submit(0).wait()]);
      const [state] = await t.engine.run(() => f());
      assert.equal(state!.type, "COMPLETED", "the state the worker recorded");
      await assert.rejects(state!.result(), (error: unknown) => {
        assert.ok(isCairnError(error, "MISSING_RESULT"), String(error));
        assert.match((error as Error).message, /^Task run 'nap-\d' ended on a worker \(COMPLETED\), but the worker's reply to the flow was lost and its return value was not persisted, so nothing holds it now\. Persist the task's results \(persistResult: true\)/);
        return true;
      });
      const [run] = await client.readTaskRuns({ flowRunId: (await client.readFlowRuns({ flowName: "reply-lost" }))[0]!.id });
      assert.equal(run!.stateType, "COMPLETED", "nothing recorded over it");
    } finally {
      await replyless.close();
    }
  });

  it("a flow that times out leaves a job BullMQ failed in place: its run ends FAILED with BullMQ's reason, not CANCELLED", async () => {
    const foreign = new Worker(queue, async () => {
      throw new Error("no processor for this job here");
    }, { connection: { url: REDIS_URL }, prefix });
    try {
      const f = flow({ name: "times-out-failed-job", taskRunner: runner, timeoutSeconds: 1 }, async () => nap.submit(0).result());
      const state = await t.engine.run(() => f.returnState());
      assert.equal(state.type, "FAILED");
      assert.match(state.message ?? "", /timed out after 1 second/);
      const client = await t.engine.client();
      const flowRunId = (await client.readFlowRuns({ flowName: "times-out-failed-job" }))[0]!.id;
      await eventually(async () => (await client.readTaskRuns({ flowRunId }))[0]!.stateType !== "PENDING", 20_000, "the run settled");
      const [run] = await client.readTaskRuns({ flowRunId });
      assert.equal(run!.stateType, "FAILED");
      assert.match(run!.stateMessage ?? "", /^The BullMQ job of task run 'nap-\d' failed outside the task: no processor for this job here\./);
    } finally {
      await foreign.close();
    }
  });
});

async function waitingJobs() {
  return inspect.getJobs(["waiting"]);
}
