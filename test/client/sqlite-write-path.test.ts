// The embedded write path against a writer that fails on purpose: a burst with a bad row whose
// row-by-row rewrite then meets a locked database is kept and retried, never lost, and the
// failure reaches flush() as a MetadataWriteError.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MetadataWriteError } from "../../src/client/embedded/metadata-write-error.js";
import { SqliteWritePath } from "../../src/client/embedded/sqlite-write-path.js";
import type { SqliteMetadataWriter } from "../../src/database/sqlite/sqlite-metadata-writer.js";
import type { WriteBatch } from "../../src/database/service/write-batch.js";
import { makeFlowRun, makeState } from "./fixtures/records.js";

/** Fault injection: a writer whose whole-burst write refuses a row, and whose row-by-row write finds the file locked. */
class LockedAfterBadRowFault {
  locked = true;
  readonly written: WriteBatch[] = [];

  writeSync(batch: WriteBatch): boolean {
    if (this.locked) throw Object.assign(new Error("CHECK constraint failed: bad row"), { code: "SQLITE_CONSTRAINT_CHECK" });
    this.written.push(batch);
    return true;
  }

  writeEachSync(batch: WriteBatch): { count: number; errors: unknown[] } {
    if (this.locked) throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
    this.written.push(batch);
    return { count: 0, errors: [] };
  }
}

describe("the embedded write path", () => {
  test("keeps a burst whose row-by-row rewrite met a locked database, and writes it once the lock is gone", async () => {
    const writer = new LockedAfterBadRowFault();
    const path = new SqliteWritePath(writer as unknown as SqliteMetadataWriter, {
      path: ":memory:", busyTimeoutMs: 0, threshold: 1000, intervalMs: 60_000, writerThread: false,
    });
    const run = makeFlowRun();
    path.recordState(makeState("RUNNING", { flowRunId: run.id }));
    path.recordFlowRun(run);
    await assert.rejects(path.flush(), (error: unknown) => {
      assert.ok(error instanceof MetadataWriteError, String(error));
      assert.match(error.message, /^Could not write run metadata to the embedded store: database is locked\. 2 changes stay queued and will be retried\.$/);
      return true;
    });
    assert.equal(path.pendingChanges, 2, "nothing lost");
    writer.locked = false;
    await new Promise((resolve) => setTimeout(resolve, 400)); // the retry timer (250 ms)
    await path.flush();
    assert.equal(path.pendingChanges, 0);
    const rows = writer.written.reduce((n, b) => n + b.flowRuns.length + b.states.length, 0);
    assert.equal(rows, 2, "the state and the run row written, once");
    await path.close();
  });
});

/** Fault injection: a writer that refuses one row of the next burst, or finds the file locked, as told. */
class RefusingThenLockedFault {
  mode: "refuse-one-row" | "locked" | "ok" = "ok";
  readonly written: WriteBatch[] = [];

  writeSync(batch: WriteBatch): boolean {
    if (this.mode === "refuse-one-row") throw Object.assign(new Error("CHECK constraint failed: bad row"), { code: "SQLITE_CONSTRAINT_CHECK" });
    if (this.mode === "locked") throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
    this.written.push(batch);
    return true;
  }

  writeEachSync(batch: WriteBatch): { count: number; errors: unknown[] } {
    this.written.push(batch);
    return { count: 1, errors: [Object.assign(new Error("CHECK constraint failed: bad row"), { code: "SQLITE_CONSTRAINT_CHECK" })] };
  }
}

describe("the embedded write path's failures", () => {
  test("a refused row is reported by flush() even when a transient failure came (and went) after it", async () => {
    const writer = new RefusingThenLockedFault();
    const path = new SqliteWritePath(writer as unknown as SqliteMetadataWriter, {
      path: ":memory:", busyTimeoutMs: 0, threshold: 2, intervalMs: 60_000, writerThread: false,
    });
    const record = (): void => {
      const run = makeFlowRun();
      path.recordState(makeState("RUNNING", { flowRunId: run.id }));
      path.recordFlowRun(run); // the second change: a burst, written in the background
    };
    writer.mode = "refuse-one-row";
    record();
    writer.mode = "locked";
    record();
    writer.mode = "ok";
    await new Promise((resolve) => setTimeout(resolve, 400)); // the retry timer (250 ms) writes the kept burst
    await assert.rejects(path.flush(), (error: unknown) => {
      assert.ok(error instanceof MetadataWriteError, String(error));
      assert.match(error.message, /^Could not write run metadata to the embedded store: CHECK constraint failed: bad row\. 1 refused rows were dropped\.$/);
      return true;
    });
    await path.flush(); // reported once
    await path.close();
  });
});
