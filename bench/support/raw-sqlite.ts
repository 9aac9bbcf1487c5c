/**
 * The "raw" baseline of the engine and store benchmarks: raw better-sqlite3 recording the
 * rows Cairn records for a task run (one task-run upsert and three states), by hand: the
 * same schema and pragmas, single-row prepared statements with the values bound
 * positionally, committed in batched transactions (one `BEGIN IMMEDIATE` per 500 task
 * runs, the size of the embedded client's bursts). Ids are time-ordered, like the engine's.
 */
import { hostname } from "node:os";
import { performance } from "node:perf_hooks";
import { insertStates, upsertTaskRuns } from "../../src/database/queries/write-queries.js";
import { RUN_STATE_COLUMNS, stateToRow } from "../../src/database/rows/state-row.js";
import { TASK_RUN_COLUMNS, taskRunToRow } from "../../src/database/rows/task-run-row.js";
import { createSqliteDatabase } from "../../src/database/sqlite/create-sqlite-database.js";
import { createSqliteKysely } from "../../src/database/sqlite/create-sqlite-kysely.js";
import { migrateSqliteDatabase } from "../../src/database/sqlite/migrate-sqlite-database.js";
import type { StateRecord, StateType, TaskRunRecord } from "../../src/records/index.js";
import { uuid7 } from "../../src/utils/uuid7.js";

/** What one task run records: its final row and its three states. */
export interface RecordedTaskRuns {
  runs: TaskRunRecord[];
  states: StateRecord[][];
}

/** `n` task runs of one flow run, as the engine records them. */
export function makeTaskRuns(n: number, newId: () => string = uuid7): RecordedTaskRuns {
  const flowRunId = newId();
  const owner = { host: hostname(), pid: process.pid, engineId: newId() };
  const now = new Date().toISOString();
  const runs: TaskRunRecord[] = [];
  const states: StateRecord[][] = [];
  for (let i = 0; i < n; i++) {
    const id = newId();
    runs.push({
      id, name: `work-${i}`, taskKey: "work-0123456789ab", dynamicKey: String(i), flowRunId,
      cacheKey: null, cacheExpiration: null, stateType: "COMPLETED", stateName: "Completed",
      stateMessage: null, stateTimestamp: now, stateData: '{"type":"unpersisted"}', runCount: 1,
      startTime: now, endTime: now, created: now, owner,
    });
    const state = (type: StateType, name: string): StateRecord => ({
      id: newId(), flowRunId, taskRunId: id, type, name, message: null, timestamp: now,
      data: type === "COMPLETED" ? '{"type":"unpersisted"}' : null, details: null,
    });
    states.push([state("PENDING", "Pending"), state("RUNNING", "Running"), state("COMPLETED", "Completed")]);
  }
  return { runs, states };
}

/** Task runs per transaction of the raw baseline. */
export const RAW_BURST = 500;

/**
 * Writes `work` into a fresh database at `path` the raw way, `burst` task runs per
 * transaction; returns the milliseconds the writes took.
 */
export async function rawRecord(path: string, work: RecordedTaskRuns, burst = RAW_BURST): Promise<number> {
  const sqlite = createSqliteDatabase(path);
  const db = createSqliteKysely(sqlite);
  await migrateSqliteDatabase(sqlite, db);
  const placeholder = (cols: readonly string[]) => Object.fromEntries(cols.map((c) => [c, null]));
  const upsert = sqlite.prepare(upsertTaskRuns(db, [placeholder(TASK_RUN_COLUMNS) as never]).compile().sql);
  const insert = sqlite.prepare(insertStates(db, [placeholder(RUN_STATE_COLUMNS) as never]).compile().sql);
  let seq = Date.now() * 1000;
  const writeRange = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      for (const state of work.states[i] as StateRecord[]) {
        const row = stateToRow(state, seq++);
        insert.run(RUN_STATE_COLUMNS.map((c) => row[c]));
      }
      const row = taskRunToRow(work.runs[i] as TaskRunRecord, seq++);
      upsert.run(TASK_RUN_COLUMNS.map((c) => row[c]));
    }
  });
  const t0 = performance.now();
  for (let i = 0; i < work.runs.length; i += burst) writeRange.immediate(i, Math.min(i + burst, work.runs.length));
  const ms = performance.now() - t0;
  await db.destroy();
  return ms;
}
