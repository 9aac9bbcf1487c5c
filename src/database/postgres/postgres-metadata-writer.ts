import { sql, type Kysely, type Transaction } from "kysely";
import { reserveSequence } from "../sequence.js";
import { deleteBatchIdsBefore, insertBatchId } from "../queries/batch-queries.js";
import { crashRun, selectLastStateSeq } from "../queries/orphan-queries.js";
import { forgetResultReferences } from "../result-references.js";
import { insertLogs, insertStates, upsertFlowRuns, upsertTaskRuns } from "../queries/write-queries.js";
import { flowRunToRow } from "../rows/flow-run-row.js";
import { logToRow } from "../rows/log-row.js";
import { stateToRow } from "../rows/state-row.js";
import { taskRunToRow } from "../rows/task-run-row.js";
import type { CairnDatabase } from "../schema.js";
import type { MetadataWriter, WriteBatchOptions } from "../service/metadata-writer.js";
import type { RunCrash } from "../service/unfinished-run.js";
import type { WriteBatch } from "../service/write-batch.js";
import { ALREADY_APPLIED, APPLIED, refusedOutcome, type WriteOutcome } from "../service/write-outcome.js";
import { insertLogsJson, insertStatesJson, upsertFlowRunsJson, upsertTaskRunsJson, type JsonRowsStatement } from "./json-rows-statements.js";
import { isPostgresDataError } from "./postgres-errors.js";

/** Rows per statement (one JSON parameter each): large enough to amortize, small enough to stream. */
const ROWS_PER_STATEMENT = 5000;

type Trx = Transaction<CairnDatabase>;
/** One statement of a batch: builds the query for some rows of one table. */
type Step = (trx: Trx) => Promise<unknown>;

/**
 * The {@link MetadataWriter} of PostgreSQL: each batch is one Kysely transaction on the
 * pool. Bursts go as one JSON parameter per table (`json-rows-statements.ts`); the
 * row-by-row fallback after a refused row uses the portable statements the SQLite writer
 * runs too. A batch id is claimed first (`ON CONFLICT DO NOTHING`): a batch
 * sent twice at the same time waits for the first to commit, then finds its id taken.
 *
 * @example
 * ```ts
 * const writer = new PostgresMetadataWriter(createPostgresKysely(url));
 * await writer.writeBatch(batch, { batchId });
 * ```
 */
export class PostgresMetadataWriter implements MetadataWriter {
  readonly #db: Kysely<CairnDatabase>;

  constructor(db: Kysely<CairnDatabase>) {
    this.#db = db;
  }

  async writeBatch(batch: WriteBatch, options: WriteBatchOptions = {}): Promise<WriteOutcome> {
    const steps = batchSteps(batch);
    try {
      return await this.#db.transaction().execute(async (trx) => {
        if (!(await claimBatchId(trx, options.batchId))) return ALREADY_APPLIED;
        for (const step of steps.whole) await step(trx);
        return APPLIED;
      });
    } catch (err) {
      if (!isPostgresDataError(err)) throw err;
    }
    // A refused row: write row by row, each in a savepoint, and drop only the refused ones.
    return this.#db.transaction().execute(async (trx) => {
      if (!(await claimBatchId(trx, options.batchId))) return ALREADY_APPLIED;
      const errors: unknown[] = [];
      for (const step of steps.each) {
        await sql`savepoint cairn_row`.execute(trx);
        try {
          await step(trx);
          await sql`release savepoint cairn_row`.execute(trx);
        } catch (err) {
          if (!isPostgresDataError(err)) throw err;
          errors.push(err);
          await sql`rollback to savepoint cairn_row`.execute(trx);
        }
      }
      return errors.length === 0 ? APPLIED : refusedOutcome(errors);
    });
  }

  async markRunsCrashed(crashes: readonly RunCrash[]): Promise<number> {
    if (crashes.length === 0) return 0;
    return this.#db.transaction().execute(async (trx) => {
      let next = reserveSequence(crashes.length);
      let marked = 0;
      for (const { run, state } of crashes) {
        const table = run.kind === "flow" ? "flow_run" : "task_run";
        const result = await crashRun(trx, table, run.id, run.owner, state).executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) continue;
        const last = (await selectLastStateSeq(trx, run.id).executeTakeFirst())?.seq;
        const seq = Math.max(next++, last === null || last === undefined ? 0 : Number(last) + 1);
        await insertStates(trx, [stateToRow(state, seq)]).execute();
        marked++;
      }
      return marked;
    });
  }

  async forgetResultReferences(data: readonly string[]): Promise<number> {
    return data.length === 0 ? 0 : forgetResultReferences(this.#db, data);
  }

  async pruneBatchIds(before: string): Promise<number> {
    const result = await deleteBatchIdsBefore(this.#db, before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

async function claimBatchId(trx: Trx, batchId: string | undefined): Promise<boolean> {
  if (batchId === undefined) return true;
  const result = await insertBatchId(trx, batchId, new Date().toISOString()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * The statements of a batch, with their sequence values reserved once: `whole` writes
 * up to 5000 rows per statement, `each` one row per statement (for the fallback).
 */
function batchSteps(batch: WriteBatch): { whole: Step[]; each: Step[] } {
  const total = batch.flowRuns.length + batch.taskRuns.length + batch.states.length + batch.logs.length;
  let seq = reserveSequence(total);
  const flowRuns = batch.flowRuns.map((r) => flowRunToRow(r, seq++));
  const taskRuns = batch.taskRuns.map((r) => taskRunToRow(r, seq++));
  const states = batch.states.map((s) => stateToRow(s, seq++));
  const logs = batch.logs.map((l) => logToRow(l, seq++));
  const tables: [rows: readonly object[], whole: JsonRowsStatement, one: (trx: Trx, rows: never) => { execute(): Promise<unknown> }][] = [
    [flowRuns, upsertFlowRunsJson, upsertFlowRuns],
    [taskRuns, upsertTaskRunsJson, upsertTaskRuns],
    [states, insertStatesJson, insertStates],
    [logs, insertLogsJson, insertLogs],
  ];
  const whole: Step[] = [];
  const each: Step[] = [];
  for (const [rows, json, one] of tables) {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
      whole.push((trx) => json(trx, chunk));
    }
    for (const row of rows) each.push((trx) => one(trx, [row] as never).execute());
  }
  return { whole, each };
}
