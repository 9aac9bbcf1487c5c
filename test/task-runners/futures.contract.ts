// The futures contract every task runner meets (DESIGN §1): submit, map, wait, result,
// futures as arguments, upstream failures, concurrency, unawaited submits, run names.
// Run against the in-process concurrent runner (concurrent.test.ts) and BullMQ workers
// in other processes (test/bullmq/futures.test.ts); the tasks live in fixtures/futures-tasks.ts.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { flow, TaskFuture, unmapped, UpstreamTaskError, type Engine, type TaskRunner } from "../../src/index.js";
import * as tasks from "./fixtures/futures-tasks.js";

/** What the contract needs from the runner under test. */
export interface FuturesContractSetup {
  /** The runner and the engine flows run on (called inside each test, after `before` hooks ran). */
  readonly current: () => { runner: TaskRunner; engine: Engine };
  /** Submitted tasks run in another process. */
  readonly remote: boolean;
}

/** Defines the contract's tests in the calling file. */
export function futuresContract(name: string, setup: FuturesContractSetup): void {
  describe(`futures and ${name} (DESIGN §1)`, () => {
    const run = <T>(fn: () => Promise<T>): Promise<T> => setup.current().engine.run(fn);
    const on = (): { taskRunner: TaskRunner } => ({ taskRunner: setup.current().runner });

    it("submit returns a TaskFuture; result() and wait() resolve", async () => {
      const f = flow(on(), async () => {
        const future = tasks.double.submit(21);
        assert.ok(future instanceof TaskFuture);
        const state = await future.wait();
        assert.equal(state.type, "COMPLETED");
        return future.result();
      });
      assert.equal(await run(() => f()), 42);
    });

    it("map zips iterables and broadcasts unmapped() arguments", async () => {
      const f = flow(on(), async () => Promise.all(tasks.add.map([1, 2, 3], unmapped(10)).map((x) => x.result())));
      assert.deepEqual(await run(() => f()), [11, 12, 13]);
      const g = flow(on(), async () => Promise.all(tasks.add.map([1, 2], [10, 20]).map((x) => x.result())));
      assert.deepEqual(await run(() => g()), [11, 22]);
      assert.throws(() => tasks.add.map([1, 2], [1]), /different lengths/);
    });

    it("resolves futures passed as arguments (and inside an array argument) before running the task", async () => {
      const f = flow(on(), async () => {
        const a = tasks.one.submit();
        const b = tasks.plus.submit(a, 5);
        const total = tasks.sum.submit([a, b, 100] as never);
        return total.result();
      });
      assert.equal(await run(() => f()), 107);
    });

    it("fails a task whose upstream future failed, naming the upstream task run; the downstream never runs", async () => {
      const consumer = tasks.consumerBase.withOptions({ name: "consumer" });
      let downstream: TaskFuture | undefined;
      const f = flow({ ...on(), name: "upstream-flow" }, async () => {
        const a = tasks.broken.submit();
        downstream = consumer.submit(a as never);
        return downstream.wait();
      });
      const state = await run(() => f.returnState());
      assert.equal(state.type, "FAILED");
      assert.match(state.message ?? "", /Upstream task run 'broken-0' did not complete/);
      assert.match(state.message ?? "", /upstream exploded/);
      const error: unknown = await state.result({ raiseOnFailure: false });
      assert.ok(error instanceof UpstreamTaskError);
      const client = await setup.current().engine.client();
      const states = await client.readStates(downstream!.taskRunId);
      assert.deepEqual(states.map((s) => s.type), ["PENDING", "FAILED"], "the downstream function is never called");
    });

    it("runs submitted task runs concurrently", async () => {
      const f = flow(on(), async () => Promise.all(tasks.span.map([300, 300, 300, 300]).map((x) => x.result())));
      const spans = (await run(() => f())) as number[][];
      const lastStart = Math.max(...spans.map((s) => s[0]!));
      const firstEnd = Math.min(...spans.map((s) => s[1]!));
      assert.ok(lastStart < firstEnd, `all four overlap: ${JSON.stringify(spans)}`);
    });

    it("waits for submitted task runs that the flow did not await", async () => {
      const dir = mkdtempSync(join(tmpdir(), "cairn-contract-"));
      try {
        const file = join(dir, "touched");
        const f = flow(on(), async () => {
          tasks.touch.submit(file);
          return "returned early";
        });
        assert.equal(await run(() => f()), "returned early");
        assert.equal(existsSync(file), true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("gives each call of a task its own task run name", async () => {
      const f = flow(on(), async () => {
        const futures = tasks.named.map([1, 2, 3]);
        await Promise.all(futures.map((x) => x.wait()));
        return futures.map((x) => x.taskRunName);
      });
      assert.deepEqual(await run(() => f()), ["named-0", "named-1", "named-2"]);
    });

    it(`runs direct calls in the flow's process and submitted ones ${setup.remote ? "in another process" : "in this one"}`, async () => {
      const f = flow(on(), async () => [await tasks.whereAmI(), await tasks.whereAmI.submit().result()]);
      const [direct, submitted] = await run(() => f());
      assert.equal(direct, process.pid);
      if (setup.remote) assert.notEqual(submitted, process.pid);
      else assert.equal(submitted, process.pid);
    });
  });
}
