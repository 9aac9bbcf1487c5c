import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { flow, task, getRunContext, RunTimeoutError, PersistenceDisabledError } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

describe("retries and timeouts", () => {
  it("retries a failing task and records AwaitingRetry and Retrying states", async () => {
    let calls = 0;
    const flaky = task({ retries: 2 }, () => {
      calls++;
      if (calls < 3) throw new Error(`attempt ${calls} failed`);
      return "third time lucky";
    });
    const f = flow({ name: "retry-flow" }, async () => flaky());
    assert.equal(await t.engine.run(() => f()), "third time lucky");
    assert.equal(calls, 3);
    const client = await t.engine.client();
    const [run] = await client.readFlowRuns({ flowName: "retry-flow", limit: 1 });
    const [taskRun] = await client.readTaskRuns({ flowRunId: run!.id });
    assert.equal(taskRun!.runCount, 3);
    const names = (await client.readStates(taskRun!.id)).map((s) => s.name);
    assert.deepEqual(names, ["Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed"]);
  });

  it("fails after the last retry with the last error", async () => {
    let calls = 0;
    const always = task({ retries: 1 }, () => { calls++; throw new Error(`failure ${calls}`); });
    const state = await t.engine.run(() => always.returnState());
    assert.equal(state.type, "FAILED");
    assert.equal(state.message, "failure 2");
    assert.equal(calls, 2);
  });

  it("waits retryDelaySeconds between attempts (a number, or one per retry)", async () => {
    const times: number[] = [];
    const delayed = task({ retries: 3, retryDelaySeconds: [0.05, 0.1] }, () => {
      times.push(Date.now());
      if (times.length < 4) throw new Error("again");
      return "ok";
    });
    assert.equal(await t.engine.run(() => delayed()), "ok");
    const gaps = times.slice(1).map((x, i) => x - times[i]!);
    assert.ok(gaps[0]! >= 45, `first gap ${gaps[0]}`);
    assert.ok(gaps[1]! >= 95, `second gap ${gaps[1]}`);
    assert.ok(gaps[2]! >= 95, `third gap (last delay repeats) ${gaps[2]}`);

    const client = await t.engine.client();
    const [run] = await client.readTaskRuns({ taskKey: delayed.taskKey });
    const awaiting = (await client.readStates(run!.id)).filter((s) => s.name === "AwaitingRetry");
    const scheduled = awaiting.map((s) => new Date((JSON.parse(s.details!) as { scheduledTime: string }).scheduledTime).getTime() - new Date(s.timestamp).getTime());
    assert.ok(scheduled[0]! >= 49 && scheduled[0]! <= 60, `scheduled ${scheduled[0]}`);
  });

  it("retries a flow: the flow function runs again", async () => {
    let calls = 0;
    const f = flow({ retries: 1 }, () => {
      calls++;
      if (calls === 1) throw new Error("first flow attempt fails");
      return getRunContext().flowRun?.attempt;
    });
    assert.equal(await t.engine.run(() => f()), 2);
  });

  it("fails a run that exceeds timeoutSeconds with a message naming the timeout", async () => {
    let aborted = false;
    const slow = task({ timeoutSeconds: 0.05 }, async () => {
      const signal = getRunContext().signal!;
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 2000);
        signal.addEventListener("abort", () => { aborted = true; clearTimeout(timer); resolve(undefined); });
      });
      return "too late";
    });
    const state = await t.engine.run(() => slow.returnState());
    assert.equal(state.type, "FAILED");
    assert.match(state.message ?? "", /timed out after 0.05 seconds \(timeoutSeconds: 0.05\)/);
    const error: unknown = await state.result({ raiseOnFailure: false });
    assert.ok(error instanceof RunTimeoutError);
    assert.equal(aborted, true);

    const slowFlow = flow({ timeoutSeconds: 0.05 }, () => new Promise((r) => setTimeout(r, 500)));
    const flowState = await t.engine.run(() => slowFlow.returnState());
    assert.match(flowState.message ?? "", /Flow run '.*' timed out after 0.05 seconds/);
  });

  it("persistResult: false with retries: the retry fails before calling the function again", async () => {
    let calls = 0;
    const myTask = task({ persistResult: false, retries: 3 }, () => { calls++; throw new Error("first attempt fails"); });
    const f = flow({ persistResult: true }, async () => myTask());
    const state = await t.engine.run(() => f.returnState());
    assert.equal(calls, 1);
    assert.equal(state.type, "FAILED");
    const error = await state.result({ raiseOnFailure: false });
    assert.ok(error instanceof PersistenceDisabledError);
    assert.match(error.message, /cannot be retried: it sets persistResult: false/);
    assert.match(error.message, /Remove persistResult: false/);
  });
});
