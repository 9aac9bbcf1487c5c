// The writer thread's batch encoding carries every cell exactly as the inline write path binds it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { FLOW_RUN_COLUMNS, flowRunToRow } from "../../src/database/rows/flow-run-row.js";
import { RUN_LOG_COLUMNS, logToRow } from "../../src/database/rows/log-row.js";
import { RUN_STATE_COLUMNS, stateToRow } from "../../src/database/rows/state-row.js";
import { TASK_RUN_COLUMNS, taskRunToRow } from "../../src/database/rows/task-run-row.js";
import { decodeBatch, encodeBatch, transferList } from "../../src/database/sqlite/writer-thread/batch-codec.js";
import type { WriteBatch } from "../../src/database/service/write-batch.js";
import { makeFlowRun, makeLog, makeState, makeTaskRun } from "../client/fixtures/records.js";

/** The cells the inline path binds for a table (seq 0). */
function inlineCells<R>(records: readonly R[], columns: readonly string[], toRow: (r: R, seq: number) => object): unknown[] {
  return records.flatMap((r) => columns.map((c) => (toRow(r, 0) as Record<string, unknown>)[c]));
}

test("encode → decode gives the cells of the inline write path, nulls, repeats, NUL characters and odd values included", () => {
  for (const nul of [false, true]) {
    const flowRun = makeFlowRun({ flowVersion: "1.0", tags: ["a", "b"], parentTaskRunId: null, stateMessage: nul ? "a\0b" : "", endTime: null });
    const batch: WriteBatch = {
      flowRuns: [flowRun, makeFlowRun({ id: flowRun.id, runCount: 7 })],
      taskRuns: [
        makeTaskRun({ flowRunId: flowRun.id, cacheKey: "k", cacheExpiration: "2030-01-01T00:00:00.000Z", stateData: '{"type":"unpersisted"}' }),
        makeTaskRun({ flowRunId: null, runCount: 0 }),
        makeTaskRun({ name: 42 as unknown as string, runCount: null as unknown as number }), // refused later, as inline
      ],
      states: [
        makeState("PENDING", { flowRunId: flowRun.id }),
        makeState("RUNNING", { flowRunId: flowRun.id, taskRunId: "t-1" }, { message: "m", details: JSON.stringify({ x: 1 }) }),
        makeState("COMPLETED", { flowRunId: null, taskRunId: "t-1" }),
        makeState("FAILED", { flowRunId: null, taskRunId: null }),
      ],
      logs: [makeLog({ flowRunId: flowRun.id, message: "" }), makeLog({ taskRunId: "t-1", level: 40 })],
    };
    const encoded = encodeBatch(batch);
    assert.equal(transferList(encoded)[0], encoded.cells.buffer);
    const [flowRuns, taskRuns, states, logs] = decodeBatch(structuredClone(encoded));
    assert.deepEqual(flowRuns?.values, inlineCells(batch.flowRuns, FLOW_RUN_COLUMNS, flowRunToRow));
    assert.deepEqual(taskRuns?.values, inlineCells(batch.taskRuns, TASK_RUN_COLUMNS, taskRunToRow));
    assert.deepEqual(states?.values, inlineCells(batch.states, RUN_STATE_COLUMNS, stateToRow));
    assert.deepEqual(logs?.values, inlineCells(batch.logs, RUN_LOG_COLUMNS, logToRow));
    assert.deepEqual([flowRuns?.rows, taskRuns?.rows, states?.rows, logs?.rows], [2, 3, 4, 2]);
    assert.ok(encoded.stringCount < [flowRuns, taskRuns, states, logs].reduce((n, t) => n + (t?.values.length ?? 0), 0), "repeats are stored once");
  }
});

test("an empty batch encodes and decodes", () => {
  const tables = decodeBatch(encodeBatch({ flowRuns: [], taskRuns: [], states: [], logs: [] }));
  assert.deepEqual(tables.map((t) => t.rows), [0, 0, 0, 0]);
});
