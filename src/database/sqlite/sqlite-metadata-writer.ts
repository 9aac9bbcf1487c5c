import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import { BatchWriter, type DecodedBatch, type RefusedRows } from "./batch-writer.js";
import { reserveSequence } from "../sequence.js";
import { StatementCache } from "./statement-cache.js";
import { isDataError } from "./write-failure.js";
import { deleteBatchIdsBefore } from "../queries/batch-queries.js";
import { crashRun, selectLastStateSeq } from "../queries/orphan-queries.js";
import { replaceStateData, replaceTaskRunData } from "../queries/result-reference-queries.js";
import { PRUNED_RESULT_JSON } from "../result-references.js";
import { insertStates } from "../queries/write-queries.js";
import { stateToRow } from "../rows/state-row.js";
import type { CairnDatabase } from "../schema.js";
import type { MetadataWriter, WriteBatchOptions } from "../service/metadata-writer.js";
import type { RunCrash } from "../service/unfinished-run.js";
import type { WriteBatch } from "../service/write-batch.js";
import { ALREADY_APPLIED, APPLIED, refusedOutcome, type WriteOutcome } from "../service/write-outcome.js";

/**
 * The {@link MetadataWriter} of SQLite: every transaction runs synchronously
 * (`BEGIN IMMEDIATE`, better-sqlite3 prepared statements compiled once by Kysely), so no
 * other query on the shared connection can slip into it (an asynchronous Kysely
 * transaction on a connection the server shares between requests would let a concurrent
 * write run inside it). The embedded client calls the
 * synchronous methods from its write path; the server calls the asynchronous ones.
 *
 * @example
 * ```ts
 * const writer = new SqliteMetadataWriter(sqlite, db);
 * writer.writeSync(batch);                         // throws if the burst fails
 * await writer.writeBatch(batch, { batchId });     // idempotent, drops only refused rows
 * ```
 */
export class SqliteMetadataWriter implements MetadataWriter {
  readonly #sqlite: Database.Database;
  readonly #db: Kysely<CairnDatabase>;
  readonly #cache: StatementCache;
  readonly #batches: BatchWriter;
  readonly #markCrashed: Database.Transaction<(crashes: readonly RunCrash[]) => number>;
  readonly #forget: Database.Transaction<(data: readonly string[]) => number>;

  constructor(sqlite: Database.Database, db: Kysely<CairnDatabase>) {
    this.#sqlite = sqlite;
    this.#db = db;
    this.#cache = new StatementCache(sqlite);
    this.#batches = new BatchWriter(sqlite, db, this.#cache);
    this.#markCrashed = sqlite.transaction((crashes: readonly RunCrash[]) => this.#crash(crashes));
    this.#forget = sqlite.transaction((data: readonly string[]) => {
      let changed = 0;
      for (const from of data) {
        changed += this.#cache.run(replaceStateData(db, from, PRUNED_RESULT_JSON).compile()).changes;
        changed += this.#cache.run(replaceTaskRunData(db, from, PRUNED_RESULT_JSON).compile()).changes;
      }
      return changed;
    });
  }

  /** The prepared-statement cache of this connection (shared with the embedded client). */
  get statements(): StatementCache {
    return this.#cache;
  }

  /**
   * Writes the whole batch in one transaction, or nothing (and throws).
   * @returns false when `batchId` was applied before (nothing written).
   */
  writeSync(batch: WriteBatch, batchId?: string): boolean {
    return this.#batches.write(batch, batchId);
  }

  /** Writes batches decoded by the writer thread, in order, in one transaction (or nothing, and throws). */
  writeDecodedSync(batches: readonly DecodedBatch[]): void {
    this.#batches.writeDecoded(batches);
  }

  /** Like {@link SqliteMetadataWriter.writeEachSync}, for decoded batches. */
  writeDecodedEachSync(batches: readonly DecodedBatch[]): RefusedRows {
    return this.#batches.writeDecodedEach(batches);
  }

  /** Writes the batch row by row in one transaction, skipping refused rows; undefined when `batchId` was applied. */
  writeEachSync(batch: WriteBatch, batchId?: string): RefusedRows | undefined {
    return this.#batches.writeEach(batch, batchId);
  }

  async writeBatch(batch: WriteBatch, options: WriteBatchOptions = {}): Promise<WriteOutcome> {
    try {
      return this.writeSync(batch, options.batchId) ? APPLIED : ALREADY_APPLIED;
    } catch (err) {
      if (!isDataError(err)) throw err;
    }
    const refused = this.writeEachSync(batch, options.batchId);
    if (refused === undefined) return ALREADY_APPLIED;
    return refused.count === 0 ? APPLIED : refusedOutcome(refused.errors);
  }

  /** {@link MetadataWriter.markRunsCrashed}, synchronously. */
  markRunsCrashedSync(crashes: readonly RunCrash[]): number {
    if (crashes.length === 0) return 0;
    return this.#markCrashed.immediate(crashes);
  }

  async markRunsCrashed(crashes: readonly RunCrash[]): Promise<number> {
    return this.markRunsCrashedSync(crashes);
  }

  /** {@link MetadataWriter.forgetResultReferences}, synchronously, in one `BEGIN IMMEDIATE` transaction. */
  forgetResultReferencesSync(data: readonly string[]): number {
    return data.length === 0 ? 0 : this.#forget.immediate(data);
  }

  async forgetResultReferences(data: readonly string[]): Promise<number> {
    return this.forgetResultReferencesSync(data);
  }

  async pruneBatchIds(before: string): Promise<number> {
    return this.#cache.run(deleteBatchIdsBefore(this.#db, before).compile()).changes;
  }

  /** Inside the transaction: each crash whose run is still the owner's and unfinished. */
  #crash(crashes: readonly RunCrash[]): number {
    const db = this.#db;
    const cache = this.#cache;
    let next = reserveSequence(crashes.length);
    let marked = 0;
    for (const { run, state } of crashes) {
      const table = run.kind === "flow" ? "flow_run" : "task_run";
      const changed = cache.run(crashRun(db, table, run.id, run.owner, state).compile()).changes;
      if (changed === 0) continue;
      // After the run's last state, even if the dead process's clock ran ahead of ours.
      const last = cache.all(selectLastStateSeq(db, run.id).compile())[0]?.seq;
      const seq = Math.max(next++, last === null || last === undefined ? 0 : Number(last) + 1);
      cache.run(insertStates(db, [stateToRow(state, seq)]).compile());
      marked++;
    }
    return marked;
  }

  /** The connection (for callers that must run raw statements on it, e.g. migrations). */
  get connection(): Database.Database {
    return this.#sqlite;
  }
}
