import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { openEmbeddedClient } from "../../src/client/embedded/open-embedded-client.js";
import { MetadataWriteError } from "../../src/client/embedded/metadata-write-error.js";
import { WRITER_THREAD_AFTER_CHANGES } from "../../src/client/embedded/sqlite-write-path.js";
import { runChild } from "./child-process.js";
import { makeFlowRun, makeState, makeTaskRun } from "./fixtures/records.js";
import { runOrchestrationClientContract, type ContractBackend } from "./orchestration-client.contract.js";

const OPENER = fileURLToPath(new URL("./fixtures/open-embedded.ts", import.meta.url));

/** A fresh temporary folder; the database file is created on first open. */
async function makeEmbeddedBackend(): Promise<ContractBackend> {
  const dir = mkdtempSync(join(tmpdir(), "cairn-embedded-"));
  const path = join(dir, "nested", "cairn.db");
  return {
    open: () => openEmbeddedClient({ path }),
    child: { opener: OPENER, config: path },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

runOrchestrationClientContract("embedded (SQLite file)", makeEmbeddedBackend);
runOrchestrationClientContract("embedded, writes on the writer thread", async () => {
  const backend = await makeEmbeddedBackend();
  const path = backend.child.config;
  return {
    ...backend,
    open: async () => {
      const client = await openEmbeddedClient({ path, writerThread: true });
      assert.equal(client.usesWriterThread, true);
      return client;
    },
    child: { opener: OPENER, config: `${path}#writer-thread` },
  };
});

describe("EmbeddedClient write path", () => {
  async function withPath(fn: (path: string) => Promise<void>): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), "cairn-embedded-"));
    try {
      await fn(join(dir, "cairn.db"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Rows of a table as another connection sees them (committed data only). */
  function countRows(path: string, table: string): number {
    const db = new Database(path, { readonly: true });
    try {
      return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  test("writes inline, inside record*, once the threshold is reached", async () => {
    await withPath(async (path) => {
      const client = await openEmbeddedClient({ path, flushThreshold: 10, flushIntervalMs: 60_000 });
      try {
        const run = makeFlowRun();
        for (let i = 0; i < 9; i++) client.recordState(makeState("RUNNING", { flowRunId: run.id }));
        assert.equal(countRows(path, "run_state"), 0);
        assert.equal(client.pendingChanges, 9);
        client.recordFlowRun(run);
        assert.equal(countRows(path, "run_state"), 9, "written synchronously by the 10th record");
        assert.equal(countRows(path, "flow_run"), 1);
        assert.equal(client.pendingChanges, 0);
      } finally {
        await client.close();
      }
    });
  });

  test("never writes a state without the run row recorded after it (a crash between them would leave them contradicting)", async () => {
    await withPath(async (path) => {
      const client = await openEmbeddedClient({ path, flushThreshold: 2, flushIntervalMs: 5 });
      try {
        const run = makeFlowRun();
        client.recordState(makeState("RUNNING", { flowRunId: run.id }));
        await new Promise((resolve) => setTimeout(resolve, 1)); // not long enough for the timer
        client.recordState(makeState("COMPLETED", { flowRunId: run.id })); // over the threshold, and past the deadline soon
        assert.equal(countRows(path, "run_state"), 0, "no burst starts at a state");
        client.recordFlowRun(run);
        assert.equal(countRows(path, "run_state"), 2, "the states and their row are written together");
        assert.equal(countRows(path, "flow_run"), 1);
        // A state recorded alone still gets written (by the timer).
        client.recordState(makeState("RUNNING", { flowRunId: run.id }));
        await new Promise((resolve) => setTimeout(resolve, 60));
        assert.equal(countRows(path, "run_state"), 3);
      } finally {
        await client.close();
      }
    });
  });

  test("writes on a short timer otherwise", async () => {
    await withPath(async (path) => {
      const client = await openEmbeddedClient({ path, flushIntervalMs: 20 });
      try {
        client.recordFlowRun(makeFlowRun());
        assert.equal(countRows(path, "flow_run"), 0);
        await new Promise((resolve) => setTimeout(resolve, 80));
        assert.equal(countRows(path, "flow_run"), 1);
      } finally {
        await client.close();
      }
    });
  });

  test("coalesces upserts in the queue: one row per run, however often recorded", async () => {
    await withPath(async (path) => {
      const client = await openEmbeddedClient({ path, flushIntervalMs: 60_000 });
      try {
        const run = makeTaskRun();
        for (let i = 1; i <= 100; i++) client.recordTaskRun({ ...run, runCount: i });
        assert.equal(client.pendingChanges, 1);
        assert.equal((await client.readTaskRun(run.id))?.runCount, 100);
      } finally {
        await client.close();
      }
    });
  });

  test("a process that exits without flushing still writes what it recorded", async () => {
    await withPath(async (path) => {
      const id = crypto.randomUUID();
      const child = await runChild({ opener: OPENER, config: path }, "exit-without-flush", {
        runs: [{ kind: "flow", id }],
      });
      assert.equal(child.code, 0, child.stderr);
      const client = await openEmbeddedClient({ path });
      try {
        assert.equal((await client.readFlowRun(id))?.stateType, "RUNNING");
        assert.equal((await client.readStates(id)).length, 1);
      } finally {
        await client.close();
      }
    });
  });

  for (const writerThread of [false, true]) {
    const mode = writerThread ? "on the writer thread" : "inline";
    test(`${mode}: a row the database refuses is dropped and reported; the rest of its burst is written`, async () => {
      await withPath(async (path) => {
        const client = await openEmbeddedClient({ path, flushIntervalMs: 60_000, writerThread });
        try {
          const run = makeFlowRun();
          const good = makeState("RUNNING", { flowRunId: run.id });
          client.recordFlowRun(run);
          client.recordState({ ...good, name: null as unknown as string }); // NOT NULL violation
          client.recordState(good);
          await assert.rejects(client.flush(), (err: unknown) => {
            assert.ok(err instanceof MetadataWriteError);
            assert.equal(err.context.refused, 1);
            assert.match(err.message, /1 refused rows were dropped/);
            return true;
          });
          assert.deepEqual(await client.readStates(run.id), [good]);
          assert.deepEqual(await client.readFlowRun(run.id), run);
          await client.flush(); // reported once
        } finally {
          await client.close();
        }
      });
    });

    test(`${mode}: a background write failure is reported by the next flush()`, async () => {
      await withPath(async (path) => {
        const client = await openEmbeddedClient({ path, flushThreshold: 1, writerThread });
        try {
          const run = makeFlowRun();
          // Inline write (threshold 1) of a bad row: record* must not throw.
          client.recordState({ ...makeState("RUNNING", { flowRunId: run.id }), type: null as never });
          await assert.rejects(client.flush(), MetadataWriteError);
          await client.flush();
        } finally {
          await client.close();
        }
      });
    });

    test(`${mode}: while another process holds the write lock, changes stay queued and are retried`, async () => {
      await withPath(async (path) => {
        const client = await openEmbeddedClient({ path, flushThreshold: 1, busyTimeoutMs: 30, writerThread });
        const locker = new Database(path);
        try {
          locker.exec("BEGIN IMMEDIATE");
          const run = makeFlowRun();
          client.recordFlowRun(run); // inline write: times out after 30 ms, keeps the change
          client.recordState(makeState("RUNNING", { flowRunId: run.id })); // no inline retry while backing off
          assert.equal(client.pendingChanges, 2);
          assert.equal(client.flushSync(), false, "flushSync() never throws: it says it could not");
          await assert.rejects(client.flush(), (err: unknown) => {
            assert.ok(err instanceof MetadataWriteError);
            assert.equal(err.context.retrying, true);
            assert.match(err.message, /database is locked.*2 changes stay queued/);
            return true;
          });
          locker.exec("COMMIT");
          await client.flush(); // reports nothing more: the earlier failure was already thrown
          assert.equal(client.pendingChanges, 0);
          assert.deepEqual(await client.readFlowRun(run.id), run);
          assert.equal((await client.readStates(run.id)).length, 1);
        } finally {
          if (locker.inTransaction) locker.exec("ROLLBACK");
          locker.close();
          await client.close();
        }
      });
    });
  }

  test("on the writer thread, bursts reach the disk while the recording thread never yields", async () => {
    await withPath(async (path) => {
      const client = await openEmbeddedClient({ path, flushIntervalMs: 20, writerThread: true });
      try {
        assert.equal(client.usesWriterThread, true);
        const run = makeFlowRun();
        client.recordFlowRun(run);
        // A synchronous loop (no await: no timer can fire) recording for 300 ms, as the engine
        // records: each state, then its run's row.
        const start = Date.now();
        let seenAt = -1;
        let recorded = 0;
        while (Date.now() - start < 300) {
          client.recordState(makeState("RUNNING", { flowRunId: run.id }));
          client.recordFlowRun(run);
          recorded++;
          if (seenAt < 0 && recorded % 50 === 0 && countRows(path, "flow_run") === 1) seenAt = Date.now() - start;
        }
        assert.ok(seenAt >= 0 && seenAt < 200, `the first burst was visible to another connection after ${seenAt} ms`);
        await client.flush();
        assert.equal(countRows(path, "run_state"), recorded);
        assert.equal(client.pendingChanges, 0);
      } finally {
        await client.close();
      }
    });
  });

  test("on the writer thread, a burst that cannot be encoded is reported by flush(), and the client goes on", async () => {
    await withPath(async (path) => {
      const client = await openEmbeddedClient({ path, flushIntervalMs: 60_000, writerThread: true });
      try {
        assert.equal(client.usesWriterThread, true);
        client.recordFlowRun(makeFlowRun({ tags: [10n as unknown as string] })); // JSON cannot hold a BigInt
        await assert.rejects(client.flush(), (error: unknown) => {
          assert.ok(error instanceof MetadataWriteError, String(error));
          assert.match(error.message, /^Could not write run metadata to the embedded store: .*BigInt.*\. 1 changes could not be handed to the writer thread and are lost\.$/);
          return true;
        });
        client.recordFlowRun(makeFlowRun());
        await client.flush(); // no wait for a burst that was never posted
        assert.equal(countRows(path, "flow_run"), 1);
      } finally {
        await client.close();
      }
    });
  });

  test("on the writer thread, a process that exits without flushing still writes what it recorded", async () => {
    await withPath(async (path) => {
      const id = crypto.randomUUID();
      const child = await runChild({ opener: OPENER, config: `${path}#writer-thread` }, "exit-without-flush", {
        runs: [{ kind: "flow", id }],
      });
      assert.equal(child.code, 0, child.stderr);
      const client = await openEmbeddedClient({ path });
      try {
        assert.equal((await client.readFlowRun(id))?.stateType, "RUNNING");
        assert.equal((await client.readStates(id)).length, 1);
      } finally {
        await client.close();
      }
    });
  });

  test("in auto mode, the writer thread starts once the client has written a lot", async () => {
    await withPath(async (path) => {
      const client = await openEmbeddedClient({ path, flushThreshold: 500 });
      try {
        const run = makeFlowRun();
        client.recordFlowRun(run);
        for (let i = 0; i < 100; i++) client.recordState(makeState("RUNNING", { flowRunId: run.id }));
        await client.flush();
        assert.equal(client.usesWriterThread, false, "a small client writes inline");
        for (let i = 0; i < WRITER_THREAD_AFTER_CHANGES; i++) client.recordState(makeState("RUNNING", { flowRunId: run.id }));
        await client.flush();
        const deadline = Date.now() + 20_000;
        while (!client.usesWriterThread && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        assert.equal(client.usesWriterThread, true);
        for (let i = 0; i < 10; i++) client.recordState(makeState("RUNNING", { flowRunId: run.id }));
        await client.flush();
        assert.equal(countRows(path, "run_state"), 110 + WRITER_THREAD_AFTER_CHANGES);
      } finally {
        await client.close();
      }
    });
  });

  test("a closed client refuses records and reads, and close() is idempotent", async () => {
    await withPath(async (path) => {
      const client = await openEmbeddedClient({ path });
      await client.close();
      await client.close();
      assert.throws(() => client.recordFlowRun(makeFlowRun()), /client is closed/);
      await assert.rejects(client.readFlowRuns(), /client is closed/);
      assert.equal(client.flushSync(), true);
    });
  });
});
