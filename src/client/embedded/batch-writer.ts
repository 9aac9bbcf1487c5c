import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import type { CairnDatabase } from "../../database/schema.js";
import { FLOW_RUN_COLUMNS, flowRunToRow } from "../../database/rows/flow-run-row.js";
import { TASK_RUN_COLUMNS, taskRunToRow } from "../../database/rows/task-run-row.js";
import { RUN_STATE_COLUMNS, stateToRow } from "../../database/rows/state-row.js";
import { RUN_LOG_COLUMNS, logToRow } from "../../database/rows/log-row.js";
import {
  insertLogs,
  insertStates,
  upsertFlowRuns,
  upsertTaskRuns,
} from "../../database/queries/write-queries.js";
import type { FlowRunRecord, LogRecord, StateRecord, TaskRunRecord } from "../records.js";
import { reserveSequence } from "./sequence.js";
import type { StatementCache } from "./statement-cache.js";
import { TableWriter } from "./table-writer.js";
import type { WriteBatch } from "./write-queue.js";

/** What {@link BatchWriter.writeEach} could not write. */
export interface RefusedRows {
  count: number;
  errors: unknown[];
}

/**
 * Writes a {@link WriteBatch} in one `BEGIN IMMEDIATE` transaction, synchronously:
 * flow runs, then task runs, then states, then log lines, each as a few multi-row
 * statements compiled by Kysely and run as cached better-sqlite3 prepared statements.
 */
export class BatchWriter {
  readonly #flowRuns: TableWriter<FlowRunRecord>;
  readonly #taskRuns: TableWriter<TaskRunRecord>;
  readonly #states: TableWriter<StateRecord>;
  readonly #logs: TableWriter<LogRecord>;
  readonly #writeAll: Database.Transaction<(batch: WriteBatch) => void>;
  readonly #writeEach: Database.Transaction<(batch: WriteBatch) => RefusedRows>;

  constructor(sqlite: Database.Database, db: Kysely<CairnDatabase>, cache: StatementCache) {
    const compile = <T>(build: (rows: never) => { compile(): T }) => (rows: readonly object[]) =>
      build(rows as never).compile();
    this.#flowRuns = new TableWriter(cache, FLOW_RUN_COLUMNS, compile((r) => upsertFlowRuns(db, r)), flowRunToRow);
    this.#taskRuns = new TableWriter(cache, TASK_RUN_COLUMNS, compile((r) => upsertTaskRuns(db, r)), taskRunToRow);
    this.#states = new TableWriter(cache, RUN_STATE_COLUMNS, compile((r) => insertStates(db, r)), stateToRow);
    this.#logs = new TableWriter(cache, RUN_LOG_COLUMNS, compile((r) => insertLogs(db, r)), logToRow);
    this.#writeAll = sqlite.transaction((batch: WriteBatch) => {
      const seq = reserveSequences(batch);
      this.#flowRuns.write(batch.flowRuns, seq.flowRuns);
      this.#taskRuns.write(batch.taskRuns, seq.taskRuns);
      this.#states.write(batch.states, seq.states);
      this.#logs.write(batch.logs, seq.logs);
    });
    this.#writeEach = sqlite.transaction((batch: WriteBatch): RefusedRows => {
      const seq = reserveSequences(batch);
      const errors = [
        ...this.#flowRuns.writeEach(batch.flowRuns, seq.flowRuns),
        ...this.#taskRuns.writeEach(batch.taskRuns, seq.taskRuns),
        ...this.#states.writeEach(batch.states, seq.states),
        ...this.#logs.writeEach(batch.logs, seq.logs),
      ];
      return { count: errors.length, errors };
    });
  }

  /** Writes the whole batch, or nothing (the transaction rolls back and the error is thrown). */
  write(batch: WriteBatch): void {
    this.#writeAll.immediate(batch);
  }

  /**
   * Writes the batch row by row in one transaction, skipping the rows the database
   * refuses (used after {@link BatchWriter.write} failed on a bad row, so that one
   * bad row does not cost the whole burst).
   */
  writeEach(batch: WriteBatch): RefusedRows {
    return this.#writeEach.immediate(batch);
  }
}

/** One block of sequence values for the batch, split per table. */
function reserveSequences(batch: WriteBatch) {
  const total = batch.flowRuns.length + batch.taskRuns.length + batch.states.length + batch.logs.length;
  const flowRuns = reserveSequence(total);
  const taskRuns = flowRuns + batch.flowRuns.length;
  const states = taskRuns + batch.taskRuns.length;
  const logs = states + batch.states.length;
  return { flowRuns, taskRuns, states, logs };
}
