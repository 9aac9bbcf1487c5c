// What a kill -9 loses: a flow of synchronous tasks must not starve the store's writes
// (issue 10, defect 1), and every blob on disk belongs to a flow run the store knows.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createTestEngine } from "../../src/testing/index.js";
import { inspectAfterKill, runAndKill } from "../reliability/support/crash-run.js";

/** The documented bound (docs/metadata-store.md), with room for a loaded machine. */
const LOSS_BOUND_MS = 150;

describe("a process killed in the middle of persisting flows of synchronous tasks", () => {
  for (const backend of ["embedded", "http-sqlite"] as const) {
    it(`${backend}: loses only the last moments, and no flow run with blobs on disk is unknown`, async () => {
      const t = createTestEngine({ CAIRN_TEST_BACKEND: backend });
      try {
        // Flows of 100 synchronous tasks, each persisting ~10 KB; killed in the middle of the third flow.
        const scenario = { kind: "sync", tasks: 100, payloadBytes: 5000, seed: 1 };
        const killed = await runAndKill(t.env, scenario, { afterTasks: 250, delayMs: 30 });
        const client = await t.engine.client();
        const found = await inspectAfterKill(client, killed, join(t.home, "results"));
        assert.ok(found.keyedBlobs > 0, "the child wrote result blobs");
        assert.deepEqual(found.blobsOfUnknownFlows, [], "every blob belongs to a flow run the store knows");
        assert.ok(
          found.lossMs <= LOSS_BOUND_MS,
          `lost ${found.lostTasks} of ${killed.tasks.length} started task runs, the oldest started ${found.lossMs} ms before the kill`,
        );
      } finally {
        await t.cleanup();
      }
    });
  }
});
