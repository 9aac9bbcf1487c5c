// The outcome a worker hands back, encoded and decoded as it crosses Redis: a value comes back
// as itself, and a run whose value no process holds any more (it was finished by a worker that
// died before replying, and was not persisted) comes back as a missing result that says why,
// never as `undefined`. Arguments that cannot all be sent leave no transient blob behind.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { isCairnError, LocalFileSystem } from "../../src/index.js";
import { MissingResult } from "../../src/results/missing-result.js";
import { UnpersistedResult } from "../../src/results/unpersisted-result.js";
import { resolveSerializer } from "../../src/serializers/index.js";
import { Completed } from "../../src/states/constructors.js";
import { decodeOutcome, encodeOutcome } from "../../src/task-runners/bullmq/job-outcome.js";
import { encodeArguments } from "../../src/task-runners/bullmq/job-payload.js";
import { ValueTransport } from "../../src/task-runners/bullmq/value-transport.js";

const dir = mkdtempSync(join(tmpdir(), "cairn-outcome-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const storage = new LocalFileSystem({ basepath: dir });
const transport = new ValueTransport(storage, resolveSerializer({ type: "msgpack" }), 256 * 1024);
const noStorage = async (): Promise<never> => {
  throw new Error("no other storage in this test");
};

describe("a job's outcome", () => {
  it("brings a return value back as itself", async () => {
    const { outcome } = await encodeOutcome(Completed({ data: UnpersistedResult.of({ n: 42 }) }), 1, transport, "Task run 't'");
    const state = await decodeOutcome(outcome, transport, noStorage, "block");
    assert.equal(state.type, "COMPLETED");
    assert.deepEqual(await state.result(), { n: 42 });
  });

  it("of a run finished by a worker that is gone, with its value unpersisted, is a missing result that says why", async () => {
    // What a worker that took the job over finds in the store: COMPLETED, and a result nothing holds.
    const { outcome } = await encodeOutcome(Completed({ data: UnpersistedResult.missing() }), 1, transport, "Task run 't'");
    assert.equal(outcome.value, undefined);
    assert.deepEqual(outcome.result, { type: "unpersisted" });
    const state = await decodeOutcome(outcome, transport, noStorage, "block", "Task run 'double-3'");
    assert.equal(state.type, "COMPLETED");
    await assert.rejects(state.result(), (error: unknown) => {
      assert.ok(error instanceof MissingResult, String(error));
      assert.match(error.message, /^Task run 'double-3' completed on a worker that stopped before it handed its return value back/);
      assert.match(error.message, /was not persisted/);
      assert.match(error.message, /persistResult: true/);
      return true;
    });
  });
});

describe("a job's arguments", () => {
  it("that cannot all be sent leave no transient blob behind for the ones already written", async () => {
    const big = new Uint8Array(300 * 1024).fill(7); // above the 256 KiB bound: written as a transient blob
    const args = [{ kind: "value" as const, value: big }, { kind: "value" as const, value: () => "a function" }];
    await assert.rejects(encodeArguments(args, transport, "block", "task run 't-0'"), (error: unknown) => {
      assert.ok(isCairnError(error, "VALUE_NOT_SENDABLE"), String(error));
      assert.match((error as Error).message, /^Argument 1 of task run 't-0' cannot be sent to a worker: /);
      return true;
    });
    assert.deepEqual(existsSync(join(dir, "cairn-transient")) ? readdirSync(join(dir, "cairn-transient")) : [], []);
  });
});
