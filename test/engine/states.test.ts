import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AwaitingRetry, Cached, Cancelled, Completed, Crashed, Failed, FailedRunError, Paused, Pending, Retrying, Running,
  Scheduled, type State, UnfinishedRunError,
} from "../../src/index.js";

describe("states (DESIGN §2)", () => {
  it("builds each state with its type and default name", () => {
    const cases: Array<[State, string, string]> = [
      [Completed(), "COMPLETED", "Completed"],
      [Failed(), "FAILED", "Failed"],
      [Cancelled(), "CANCELLED", "Cancelled"],
      [Crashed(), "CRASHED", "Crashed"],
      [Pending(), "PENDING", "Pending"],
      [Running(), "RUNNING", "Running"],
      [Scheduled(), "SCHEDULED", "Scheduled"],
      [Paused(), "PAUSED", "Paused"],
      [Cached(), "COMPLETED", "Cached"],
      [AwaitingRetry(), "SCHEDULED", "AwaitingRetry"],
      [Retrying(), "RUNNING", "Retrying"],
    ];
    for (const [state, type, name] of cases) {
      assert.equal(state.type, type);
      assert.equal(state.name, name);
      assert.ok(state.timestamp instanceof Date);
    }
  });

  it("answers the predicates", () => {
    assert.ok(Completed().isCompleted() && Completed().isFinal());
    assert.ok(Failed().isFailed() && Failed().isFinal());
    assert.ok(Crashed().isCrashed() && Cancelled().isCancelled());
    assert.ok(Pending().isPending() && !Pending().isFinal());
    assert.ok(Running().isRunning() && Scheduled().isScheduled() && Paused().isPaused());
    assert.ok(Cached().isCompleted());
  });

  it("result() gives the data of a completed state", async () => {
    assert.equal(await Completed({ data: "completed" }).result(), "completed");
    assert.equal(await Completed().result(), undefined);
    assert.equal(Completed({ message: "ok" }).message, "ok");
  });

  it("result() on a failed state rejects, or resolves to the error with raiseOnFailure: false", async () => {
    const error = new RangeError("out of range");
    const state = Failed({ message: "out of range", error });
    await assert.rejects(() => state.result(), (e: unknown) => e === error);
    assert.equal(await state.result({ raiseOnFailure: false }), error);
    const noError = Failed({ message: "gave up" });
    await assert.rejects(() => noError.result(), (e: unknown) => e instanceof FailedRunError && e.message === "gave up");
    const crashed = Crashed({ message: "process died" });
    const crashError = await crashed.result({ raiseOnFailure: false });
    assert.ok(crashError instanceof FailedRunError);
    assert.equal(crashError.stateType, "CRASHED");
  });

  it("result() on a non-final state rejects with a clear error", async () => {
    for (const state of [Pending(), Running(), Scheduled(), Paused()]) {
      await assert.rejects(() => state.result(), (e: unknown) => e instanceof UnfinishedRunError && /not final/.test(e.message));
    }
  });

  it("AwaitingRetry carries its scheduled time", () => {
    const when = new Date(Date.now() + 5000);
    assert.equal(AwaitingRetry({ scheduledTime: when }).stateDetails.scheduledTime, when);
  });

  it("prints like Prefect: Name('message')", () => {
    assert.equal(Completed().toString(), "Completed()");
    assert.equal(Failed({ message: "boom" }).toString(), "Failed('boom')");
  });
});
