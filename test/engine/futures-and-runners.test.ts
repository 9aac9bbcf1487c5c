import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { flow, task, unmapped, TaskFuture, SequentialTaskRunner, ConcurrentTaskRunner, UpstreamTaskError } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("submit, map and futures (DESIGN §1)", () => {
  it("submit returns a TaskFuture; result() and wait() resolve", async () => {
    const double = task((n: number) => n * 2);
    const f = flow(async () => {
      const future = double.submit(21);
      assert.ok(future instanceof TaskFuture);
      const state = await future.wait();
      assert.equal(state.type, "COMPLETED");
      return future.result();
    });
    assert.equal(await t.engine.run(() => f()), 42);
  });

  it("map zips iterables and broadcasts unmapped() arguments", async () => {
    const add = task((a: number, b: number) => a + b);
    const f = flow(async () => {
      const futures = add.map([1, 2, 3], unmapped(10));
      return Promise.all(futures.map((x) => x.result()));
    });
    assert.deepEqual(await t.engine.run(() => f()), [11, 12, 13]);
    const g = flow(async () => Promise.all(add.map([1, 2], [10, 20]).map((x) => x.result())));
    assert.deepEqual(await t.engine.run(() => g()), [11, 22]);
    assert.throws(() => add.map([1, 2], [1]), /different lengths/);
  });

  it("resolves futures passed as arguments before running the task", async () => {
    const one = task(async () => { await sleep(10); return 1; });
    const plus = task((a: number, b: number) => a + b);
    const sum = task((xs: number[]) => xs.reduce((a, b) => a + b, 0));
    const f = flow(async () => {
      const a = one.submit();
      const b = plus.submit(a, 5);
      const total = sum.submit([a, b, 100] as never);
      return total.result();
    });
    assert.equal(await t.engine.run(() => f()), 107);
  });

  it("fails a task whose upstream future failed, naming the upstream task run", async () => {
    const broken = task(() => { throw new Error("upstream exploded"); });
    let called = false;
    const consumer = task((x: number) => {
      called = true;
      return x + 1;
    });
    const f = flow({ name: "upstream-flow" }, async () => {
      const a = broken.submit();
      const b = consumer.withOptions({ name: "consumer" }).submit(a as never);
      return b.wait();
    });
    const state = await t.engine.run(() => f.returnState());
    assert.equal(state.type, "FAILED");
    assert.equal(called, false, "the downstream function is never called");
    assert.match(state.message ?? "", /Upstream task run 'broken-0' did not complete/);
    assert.match(state.message ?? "", /upstream exploded/);
    const error: unknown = await state.result({ raiseOnFailure: false });
    assert.ok(error instanceof UpstreamTaskError);
  });

  it("the concurrent runner overlaps async task runs; the sequential runner does not", async () => {
    let running = 0;
    let peak = 0;
    const work = task(async (ms: number) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(ms);
      running--;
      return ms;
    });
    const concurrent = flow({ taskRunner: new ConcurrentTaskRunner() }, async () =>
      Promise.all(work.map([20, 20, 20, 20]).map((x) => x.result())));
    await t.engine.run(() => concurrent());
    assert.equal(peak, 4);

    peak = 0;
    const order: number[] = [];
    const ordered = task(async (i: number) => { running++; peak = Math.max(peak, running); await sleep(5 - i); order.push(i); running--; });
    const sequential = flow({ taskRunner: new SequentialTaskRunner() }, async () => {
      await Promise.all(ordered.map([0, 1, 2, 3]).map((x) => x.wait()));
    });
    await t.engine.run(() => sequential());
    assert.equal(peak, 1);
    assert.deepEqual(order, [0, 1, 2, 3]);

    peak = 0;
    const limited = flow({ taskRunner: new ConcurrentTaskRunner({ maxConcurrency: 2 }) }, async () =>
      Promise.all(work.map([10, 10, 10, 10, 10]).map((x) => x.result())));
    await t.engine.run(() => limited());
    assert.equal(peak, 2);
  });

  it("waits for submitted task runs that the flow did not await", async () => {
    let finished = false;
    const slow = task(async () => { await sleep(30); finished = true; });
    const f = flow(async () => { slow.submit(); return "returned early"; });
    assert.equal(await t.engine.run(() => f()), "returned early");
    assert.equal(finished, true);
  });

  it("submits standalone task runs outside a flow", async () => {
    const inc = task((n: number) => n + 1);
    const future = t.engine.run(() => inc.submit(1));
    assert.equal(await future.result(), 2);
  });

  it("gives each call of a task its own task run name", async () => {
    const named = task((n: number) => n);
    const f = flow(async () => {
      const futures = named.map([1, 2, 3]);
      await Promise.all(futures.map((x) => x.wait()));
      return futures.map((x) => x.taskRunName);
    });
    assert.deepEqual(await t.engine.run(() => f()), ["named-0", "named-1", "named-2"]);
  });
});
