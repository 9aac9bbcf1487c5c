import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { task, LocalFileSystem, LiteralResult, PersistedResult, UnpersistedResult, MissingResult, type WritableFileSystem } from "../../src/index.js";
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

  it("a reference's record text is exactly the JSON of its record, for any key, block, expiration and integrity", () => {
    const cases = [
      { storageKey: "0123456789abcdef0123456789abcdef", storageBlockId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", expiration: null, integrity: "sha256-6dmU7emi72k4Ol4HjWuqmLHIf0tdDxAZcPHIt/+lIzc=" },
      { storageKey: 'odd "key"\\with/ünicode\u2028and\ttabs', storageBlockId: null, expiration: new Date("2030-01-02T03:04:05.678Z"), integrity: undefined },
    ];
    for (const c of cases) {
      const ref = new PersistedResult({ ...c, serializerType: "compressed/json", storage: undefined });
      assert.equal(ref.toRecordText(), JSON.stringify(ref.toRecord()));
      assert.equal(ref.toRecordText(), ref.toRecordText());
    }
  });
});
