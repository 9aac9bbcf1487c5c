import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { flow, task, Completed, Failed, getRunContext, getRunLogger, FailedRunError } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

describe("flows and tasks (DESIGN §1)", () => {
  it("runs the design's example: tasks inside a flow, the flow's return value", async () => {
    const extractUser = task(async () => "Marvin");
    const extractNumber = task({ retries: 2 }, async () => 42);
    const transform = task({ persistResult: false }, (user: string, n: number) => `Welcome, ${user} to the Club ${n}!`);
    const myFlow = flow({ name: "my-flow" }, async () => {
      const user = await extractUser();
      const nr = await extractNumber();
      return transform(user, nr);
    });
    const value = await t.engine.run(() => myFlow());
    assert.equal(value, "Welcome, Marvin to the Club 42!");
    const state = await t.engine.run(() => myFlow.returnState());
    assert.equal(state.type, "COMPLETED");
    assert.equal(await state.result(), "Welcome, Marvin to the Club 42!");

    const client = await t.engine.client();
    const [run] = await client.readFlowRuns({ flowName: "my-flow", limit: 1 });
    assert.ok(run);
    const taskRuns = await client.readTaskRuns({ flowRunId: run.id });
    assert.deepEqual(taskRuns.map((r) => r.name).sort(), ["extractNumber-0", "extractUser-0", "transform-0"]);
    assert.ok(taskRuns.every((r) => r.stateType === "COMPLETED"));
  });

  it("names tasks and flows after the function, else the variable they are assigned to", () => {
    async function loadData(): Promise<number> { return 1; }
    const named = task(loadData);
    const extractUser = task(async () => "Marvin");
    const pipeline = flow(() => 1);
    const custom = flow({ name: "custom-name" }, () => 1);
    assert.equal(named.taskName, "loadData");
    assert.equal(extractUser.taskName, "extractUser");
    assert.equal(pipeline.flowName, "pipeline");
    assert.equal(custom.flowName, "custom-name");
  });

  it("infers argument and return types for callers", async () => {
    const double = task((n: number) => n * 2);
    const typed: (n: number) => Promise<number> = double;
    const hello = flow(async (name: string) => `hi ${name}`);
    const typedFlow: (name: string) => Promise<string> = hello;
    assert.equal(await t.engine.run(() => typed(21)), 42);
    assert.equal(await t.engine.run(() => typedFlow("x")), "hi x");
  });

  it("runs sync and async functions alike", async () => {
    const syncTask = task((a: number, b: number) => a + b);
    const asyncTask = task(async (a: number) => { await new Promise((r) => setTimeout(r, 5)); return a * 10; });
    const f = flow(async () => asyncTask(await syncTask(1, 2)));
    assert.equal(await t.engine.run(() => f()), 30);
  });

  it("throws the task's error from a failed flow, with the same message on its state", async () => {
    const boom = task(() => { throw new TypeError("bad input: 7"); });
    const f = flow({ name: "failing-flow" }, async () => { await boom(); return "unreachable"; });
    await assert.rejects(() => t.engine.run(() => f()), (err: unknown) => err instanceof TypeError && err.message === "bad input: 7");
    const state = await t.engine.run(() => f.returnState());
    assert.equal(state.type, "FAILED");
    assert.equal(state.message, "bad input: 7");
    const error: unknown = await state.result({ raiseOnFailure: false });
    assert.ok(error instanceof TypeError);
    await assert.rejects(() => state.result(), /bad input: 7/);
  });

  it("keeps the error's message and stack in the store", async () => {
    const boom = task(function explode() { throw new Error("kaboom"); });
    const f = flow({ name: "stack-flow" }, async () => boom());
    await t.engine.run(() => f.returnState());
    const client = await t.engine.client();
    const [run] = await client.readFlowRuns({ flowName: "stack-flow", limit: 1 });
    assert.equal(run?.stateType, "FAILED");
    assert.equal(run?.stateMessage, "kaboom");
    const [taskRun] = await client.readTaskRuns({ flowRunId: run!.id });
    const states = await client.readStates(taskRun!.id);
    const failed = states.at(-1)!;
    assert.equal(failed.type, "FAILED");
    const details = JSON.parse(failed.details!) as { error: { name: string; message: string; stack: string } };
    assert.equal(details.error.message, "kaboom");
    assert.match(details.error.stack, /explode/);
  });

  it("ends a run in the State its function returns", async () => {
    const foo = flow(() => Completed({ data: "completed" }));
    assert.equal(await t.engine.run(() => foo()), "completed");
    const bar = flow(() => Failed({ message: "gave up" }));
    const state = await t.engine.run(() => bar.returnState());
    assert.equal(state.type, "FAILED");
    assert.equal(state.message, "gave up");
    await assert.rejects(() => t.engine.run(() => bar()), (err: unknown) => err instanceof FailedRunError && err.message === "gave up");
    const t1 = task(() => Completed({ data: 5, message: "done early" }));
    const s = await t.engine.run(() => flow(async () => t1.returnState()).returnState());
    assert.equal(s.message, "done early");
    assert.equal(await s.result(), 5);
  });

  it("runs a task called outside any flow as a standalone task run", async () => {
    const standalone = task((x: number) => x + 1);
    assert.equal(await t.engine.run(() => standalone(1)), 2);
    const client = await t.engine.client();
    const runs = await client.readTaskRuns({ taskKey: standalone.taskKey });
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.flowRunId, null);
    assert.equal(runs[0]!.stateType, "COMPLETED");
  });

  it("records a subflow as its own flow run, linked to a task run of the parent", async () => {
    const child = flow({ name: "child-flow" }, async (n: number) => n * 3);
    const parent = flow({ name: "parent-flow" }, async () => (await child(2)) + (await child(3)));
    assert.equal(await t.engine.run(() => parent()), 15);
    const client = await t.engine.client();
    const [parentRun] = await client.readFlowRuns({ flowName: "parent-flow", limit: 1 });
    const childRuns = await client.readFlowRuns({ flowName: "child-flow" });
    const links = await client.readTaskRuns({ flowRunId: parentRun!.id });
    assert.equal(links.length, 2);
    assert.deepEqual(links.map((l) => l.name).sort(), ["child-flow-0", "child-flow-1"]);
    for (const childRun of childRuns) {
      assert.ok(links.some((l) => l.id === childRun.parentTaskRunId));
      assert.equal(childRun.stateType, "COMPLETED");
    }
    assert.deepEqual(childRuns.map((r) => JSON.parse(r.parameters) as unknown).sort((a: any, b: any) => a.n - b.n), [{ n: 2 }, { n: 3 }]);
  });

  it("withOptions returns a new flow/task with options overridden", async () => {
    const base = task({ name: "base", retries: 0 }, () => 1);
    const changed = base.withOptions({ name: "changed", retries: 3 });
    assert.equal(base.options.retries, 0);
    assert.equal(changed.options.retries, 3);
    assert.equal(changed.taskName, "changed");
    const f = flow({ name: "f1" }, () => 2);
    const g = f.withOptions({ name: "f2", version: "2.0" });
    assert.equal(g.flowName, "f2");
    assert.equal(g.options.version, "2.0");
    assert.equal(await t.engine.run(() => g()), 2);
  });

  it("exposes the run context and a run logger whose lines are stored with the run", async () => {
    const inner = task(() => {
      getRunLogger().info("hello from the task");
      return getRunContext();
    });
    const f = flow({ name: "context-flow" }, async (x: number) => {
      getRunLogger().warning(`flow got ${x}`);
      return inner();
    });
    const ctx = await t.engine.run(() => f(7));
    assert.equal(ctx.flowRun?.flowName, "context-flow");
    assert.deepEqual(ctx.flowRun?.parameters, { x: 7 });
    assert.equal(ctx.taskRun?.name, "inner-0");
    assert.deepEqual(getRunContext(), {});
    const client = await t.engine.client();
    const logs = await client.readLogs({ flowRunId: ctx.flowRun!.id });
    const messages = logs.map((l) => l.message);
    assert.ok(messages.includes("flow got 7"));
    assert.ok(messages.includes("hello from the task"));
    assert.ok(logs.find((l) => l.message === "hello from the task")?.taskRunId === ctx.taskRun!.id);
  });

  it("refuses bad options where they are given, naming the option", () => {
    assert.throws(() => task({ retries: -1 } as never, () => 1), /option "retries"/);
    assert.throws(() => task({ retrys: 2 } as never, () => 1), /unknown option "retrys"/);
    assert.throws(() => flow({ timeoutSeconds: 0 }, () => 1), /option "timeoutSeconds"/);
    assert.throws(() => flow({ resultStorage: "not a slug" } as never, () => 1), /block-type\/name/);
  });
});
