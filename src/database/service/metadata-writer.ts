import type { RunCrash } from "./unfinished-run.js";
import type { WriteBatch } from "./write-batch.js";
import type { WriteOutcome } from "./write-outcome.js";

/** Options of {@link MetadataWriter.writeBatch}. */
export interface WriteBatchOptions {
  /**
   * Makes the write idempotent: a batch whose id was applied before is not written again
   * (the id is recorded in the same transaction as the rows). The HTTP client sends one
   * per request, so that a retried request never doubles a state or a log line.
   */
  batchId?: string;
}

/**
 * The write transactions of the metadata store: the one part of the service layer that
 * differs per database. SQLite writes synchronously with cached prepared statements
 * (`SqliteMetadataWriter`); PostgreSQL writes through Kysely transactions on a pool
 * (`PostgresMetadataWriter`). Both run the same Kysely-built statements.
 *
 * @example
 * ```ts
 * const writer: MetadataWriter = new PostgresMetadataWriter(db);
 * await writer.writeBatch(batch, { batchId });
 * ```
 */
export interface MetadataWriter {
  /**
   * Writes a batch in one transaction. When the database refuses a row (bad data), the
   * batch is written again row by row and only the refused rows are dropped; any other
   * failure (locked, connection lost) rejects and nothing is written.
   */
  writeBatch(batch: WriteBatch, options?: WriteBatchOptions): Promise<WriteOutcome>;
  /**
   * Records the CRASHED states of `crashes` and moves their runs to it, in one transaction,
   * for the runs that are still unfinished and still owned by the owner the crash names.
   * @returns how many runs it marked.
   */
  markRunsCrashed(crashes: readonly RunCrash[]): Promise<number>;
  /**
   * Replaces these result references (their exact JSON text) with the "pruned" marker in
   * states and task runs, in one transaction; returns how many rows changed.
   */
  forgetResultReferences(data: readonly string[]): Promise<number>;
  /** Deletes the records of applied batch ids older than `before` (ISO text). */
  pruneBatchIds(before: string): Promise<number>;
}
