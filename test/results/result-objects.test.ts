import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { task, LocalFileSystem, LiteralResult, UnpersistedResult, MissingResult, type WritableFileSystem } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

describe("result objects (DESIGN §4)", () => {
  it("LiteralResult keeps null, true, false and undefined inline", async () => {
    for (const value of [null, true, false, undefined]) {
      const result = new LiteralResult(value);
      assert.equal(result.type, "literal");
      assert.equal(await result.get(), value);
      assert.deepEqual(LiteralResult.fromRecord(result.toRecord() as never).value, value);
    }
  });

  it("an UnpersistedResult read back from the metadata store raises MissingResult, worded as the design says", async () => {
    assert.equal(await UnpersistedResult.of(5).get(), 5);
    const missing = UnpersistedResult.missing();
    assert.deepEqual(missing.toRecord(), { type: "unpersisted" });
    await assert.rejects(() => missing.get(), (err: unknown) =>
      err instanceof MissingResult && err.message === "The result was not persisted and is no longer available.");
  });

  it("writes the result completely before the state that refers to it is recorded", async () => {
    const real = new LocalFileSystem({ basepath: join(t.home, "ordered") });
    const seen: string[] = [];
    // Observes the real storage: when a write completes, the run must not be COMPLETED yet in the store.
    const observed: WritableFileSystem = {
      blockTypeSlug: real.blockTypeSlug,
      readPath: (p) => real.readPath(p),
      writePath: async (p, bytes) => {
        await real.writePath(p, bytes);
        const client = await t.engine.client();
        const [run] = await client.readTaskRuns({ taskKey: ordered.taskKey });
        seen.push(run?.stateType ?? "none");
      },
      describe: () => real.describe(),
      toConfig: () => real.toConfig(),
    };
    const ordered = task({ persistResult: true, resultStorage: observed }, () => ({ big: "value" }));
    const state = await t.engine.run(() => ordered.returnState());
    assert.equal(state.type, "COMPLETED");
    assert.deepEqual(seen, ["RUNNING"]);
    const client = await t.engine.client();
    const [run] = await client.readTaskRuns({ taskKey: ordered.taskKey });
    assert.equal(run?.stateType, "COMPLETED");
  });
});
