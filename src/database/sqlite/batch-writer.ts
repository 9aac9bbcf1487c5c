import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import type { CairnDatabase } from "../schema.js";
import { FLOW_RUN_COLUMNS, flowRunToRow } from "../rows/flow-run-row.js";
import { TASK_RUN_COLUMNS, taskRunToRow } from "../rows/task-run-row.js";
import { RUN_STATE_COLUMNS, stateToRow } from "../rows/state-row.js";
import { RUN_LOG_COLUMNS, logToRow } from "../rows/log-row.js";
import { insertBatchId } from "../queries/batch-queries.js";
import {
  insertLogs,
  insertStates,
  upsertFlowRuns,
  upsertTaskRuns,
} from "../queries/write-queries.js";
import type { FlowRunRecord, LogRecord, StateRecord, TaskRunRecord } from "../../records/index.js";
import { reserveSequence } from "../sequence.js";
import type { StatementCache } from "./statement-cache.js";
import { TableWriter } from "./table-writer.js";
import type { WriteBatch } from "../service/write-batch.js";
import type { DecodedTable } from "./writer-thread/batch-codec.js";

/** A batch decoded by the writer thread: its four tables' cells (`decodeBatch`). */
export type DecodedBatch = readonly DecodedTable[];

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
  readonly #writeAll: Database.Transaction<(batch: WriteBatch, batchId?: string) => boolean>;
  readonly #writeEach: Database.Transaction<(batch: WriteBatch, batchId?: string) => RefusedRows | undefined>;
  readonly #claimBatchId: (batchId: string | undefined) => boolean;
  readonly #writeDecoded: Database.Transaction<(batches: readonly DecodedBatch[]) => void>;
  readonly #writeDecodedEach: Database.Transaction<(batches: readonly DecodedBatch[]) => RefusedRows>;

  constructor(sqlite: Database.Database, db: Kysely<CairnDatabase>, cache: StatementCache) {
    const compile = <T>(build: (rows: never) => { compile(): T }) => (rows: readonly object[]) =>
      build(rows as never).compile();
    this.#flowRuns = new TableWriter(cache, FLOW_RUN_COLUMNS, compile((r) => upsertFlowRuns(db, r)), flowRunToRow);
    this.#taskRuns = new TableWriter(cache, TASK_RUN_COLUMNS, compile((r) => upsertTaskRuns(db, r)), taskRunToRow);
    this.#states = new TableWriter(cache, RUN_STATE_COLUMNS, compile((r) => insertStates(db, r)), stateToRow);
    this.#logs = new TableWriter(cache, RUN_LOG_COLUMNS, compile((r) => insertLogs(db, r)), logToRow);
    this.#claimBatchId = (batchId) => {
      if (batchId === undefined) return true;
      return cache.run(insertBatchId(db, batchId, new Date().toISOString()).compile()).changes > 0;
    };
    this.#writeAll = sqlite.transaction((batch: WriteBatch, batchId?: string): boolean => {
      if (!this.#claimBatchId(batchId)) return false;
      const seq = reserveSequences(batch);
      this.#flowRuns.write(batch.flowRuns, seq.flowRuns);
      this.#taskRuns.write(batch.taskRuns, seq.taskRuns);
      this.#states.write(batch.states, seq.states);
      this.#logs.write(batch.logs, seq.logs);
      return true;
    });
    this.#writeEach = sqlite.transaction((batch: WriteBatch, batchId?: string): RefusedRows | undefined => {
      if (!this.#claimBatchId(batchId)) return undefined;
      const seq = reserveSequences(batch);
      const errors = [
        ...this.#flowRuns.writeEach(batch.flowRuns, seq.flowRuns),
        ...this.#taskRuns.writeEach(batch.taskRuns, seq.taskRuns),
        ...this.#states.writeEach(batch.states, seq.states),
        ...this.#logs.writeEach(batch.logs, seq.logs),
      ];
      return { count: errors.length, errors };
    });
    const tables = [this.#flowRuns, this.#taskRuns, this.#states, this.#logs] as const;
    this.#writeDecoded = sqlite.transaction((batches: readonly DecodedBatch[]) => {
      for (const batch of batches) {
        let seq = reserveSequence(batch.reduce((n, t) => n + t.rows, 0));
        batch.forEach((table, t) => {
          tables[t]?.writeCells(table.values, table.rows, seq);
          seq += table.rows;
        });
      }
    });
    this.#writeDecodedEach = sqlite.transaction((batches: readonly DecodedBatch[]): RefusedRows => {
      const errors: unknown[] = [];
      for (const batch of batches) {
        let seq = reserveSequence(batch.reduce((n, t) => n + t.rows, 0));
        batch.forEach((table, t) => {
          errors.push(...(tables[t]?.writeEachCells(table.values, table.rows, seq) ?? []));
          seq += table.rows;
        });
      }
      return { count: errors.length, errors };
    });
  }

  /** Writes decoded batches, in order, in one transaction (all or nothing; throws on failure). */
  writeDecoded(batches: readonly DecodedBatch[]): void {
    this.#writeDecoded.immediate(batches);
  }

  /** Like {@link BatchWriter.writeEach}, for decoded batches. */
  writeDecodedEach(batches: readonly DecodedBatch[]): RefusedRows {
    return this.#writeDecodedEach.immediate(batches);
  }

  /**
   * Writes the whole batch, or nothing (the transaction rolls back and the error is thrown).
   * With a `batchId` already applied, writes nothing and returns false.
   */
  write(batch: WriteBatch, batchId?: string): boolean {
    return this.#writeAll.immediate(batch, batchId);
  }

  /**
   * Writes the batch row by row in one transaction, skipping the rows the database
   * refuses (used after {@link BatchWriter.write} failed on a bad row, so that one
   * bad row does not cost the whole burst). Undefined when `batchId` was applied already.
   */
  writeEach(batch: WriteBatch): RefusedRows;
  writeEach(batch: WriteBatch, batchId: string | undefined): RefusedRows | undefined;
  writeEach(batch: WriteBatch, batchId?: string): RefusedRows | undefined {
    return this.#writeEach.immediate(batch, batchId);
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
