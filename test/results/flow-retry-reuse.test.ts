import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { flow, task, LocalFileSystem } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

describe("flow retries reuse persisted task results (DESIGN §3)", () => {
  it("a task run that completed with a persisted result is not run again; an unpersisted one is", async () => {
    const calls = { persisted: 0, plain: 0, literal: 0 };
    let flowAttempts = 0;
    const persisted = task({ persistResult: true }, (x: number) => { calls.persisted++; return { x }; });
    const plain = task((x: number) => { calls.plain++; return x * 2; });
    const literal = task({ persistResult: true }, () => { calls.literal++; return true; });
    const f = flow({ name: "reuse-flow", retries: 1, resultStorage: new LocalFileSystem({ basepath: join(t.home, "reuse") }) }, async () => {
      flowAttempts++;
      const a = await persisted(1);
      const b = await plain(2);
      const c = await literal();
      if (flowAttempts === 1) throw new Error("flaky flow");
      return { a, b, c };
    });
    const value = await t.engine.run(() => f());
    assert.deepEqual(value, { a: { x: 1 }, b: 4, c: true });
    assert.equal(flowAttempts, 2);
    assert.equal(calls.persisted, 1, "the persisted task is not run again");
    assert.equal(calls.literal, 1, "a literal result is stored too, so it is reused");
    assert.equal(calls.plain, 2, "the unpersisted task runs again");

    const client = await t.engine.client();
    const [run] = await client.readFlowRuns({ flowName: "reuse-flow", limit: 1 });
    assert.equal(run?.runCount, 2);
    const taskRuns = await client.readTaskRuns({ flowRunId: run!.id });
    assert.equal(taskRuns.length, 3, "the re-run task keeps its task run");
    const plainRun = taskRuns.find((r) => r.name === "plain-0")!;
    assert.equal(plainRun.runCount, 2);
  });

  it("the same task called several times is matched call by call", async () => {
    const seen: number[] = [];
    let attempts = 0;
    const step = task({ retries: 1 }, (i: number) => { seen.push(i); return i; });
    const f = flow({ retries: 2 }, async () => {
      attempts++;
      const out = [];
      for (let i = 0; i < 3; i++) out.push(await step(i));
      if (attempts < 3) throw new Error("again");
      out.push(await step(3));
      return out;
    });
    assert.deepEqual(await t.engine.run(() => f()), [0, 1, 2, 3]);
    assert.deepEqual(seen, [0, 1, 2, 3]);
  });
});
