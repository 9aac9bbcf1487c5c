import type { Kysely } from "kysely";
import type { BlockDocumentStore } from "../../blocks/block-document-store.js";
import { AmbiguousIdError } from "../../records/ambiguous-id-error.js";
import type {
  FlowRunQuery,
  FlowRunRecord,
  LogQuery,
  LogRecord,
  ResultReferenceCursor,
  ResultReferenceRecord,
  StateRecord,
  TaskRunQuery,
  TaskRunRecord,
} from "../../records/index.js";
import { selectLogs, selectStates } from "../queries/history-queries.js";
import { selectUnfinishedFlowRuns, selectUnfinishedTaskRuns } from "../queries/orphan-queries.js";
import {
  selectCachedTaskRuns,
  selectFlowNames,
  selectFlowRunPosition,
  selectFlowRuns,
  selectRunRowsByIdOrPrefix,
  selectTaskRuns,
} from "../queries/run-queries.js";
import { readResultReferences } from "../result-references.js";
import { flowRunFromRow } from "../rows/flow-run-row.js";
import { logFromRow } from "../rows/log-row.js";
import { stateFromRow } from "../rows/state-row.js";
import { taskRunFromRow } from "../rows/task-run-row.js";
import type { CairnDatabase } from "../schema.js";
import { readCacheReport, readCachedTasks, type CacheReport, type CachedTaskSummary } from "../views/cache-report.js";
import { readFlowRunTimeline, type FlowRunTimeline } from "../views/flow-run-timeline.js";
import { readTaskRunDetails, type TaskRunDetails } from "../views/task-run-details.js";
import type { MetadataWriter, WriteBatchOptions } from "./metadata-writer.js";
import type { RunCrash, UnfinishedRun } from "./unfinished-run.js";
import { coalesceRuns, type WriteBatch } from "./write-batch.js";
import type { WriteOutcome } from "./write-outcome.js";

/** The parts a {@link MetadataService} is made of. */
export interface MetadataServiceParts {
  /** The database, SQLite or PostgreSQL. */
  db: Kysely<CairnDatabase>;
  /** The write transactions for that database. */
  writer: MetadataWriter;
  /** Block documents on the same database. */
  blocks: BlockDocumentStore;
  /** Which database it is (shown by `/api/health`). */
  dialect: "sqlite" | "postgresql";
  /** Applies pending migrations the way this database needs (SQLite: under `BEGIN IMMEDIATE`). */
  migrate: () => Promise<string[]>;
  /** Releases what the service holds beyond the database (called by {@link MetadataService.close}). */
  onClose?: () => Promise<void>;
}

/**
 * The service layer of the metadata store (DESIGN §8): every read, write and rule the
 * engine needs, on any database Kysely speaks. The embedded client calls it in-process
 * on SQLite; `cairn server` exposes it over HTTP on SQLite or PostgreSQL. Only the write
 * transactions differ per database ({@link MetadataWriter}).
 *
 * It holds no cache and no queue: clients buffer their writes and send them as batches.
 *
 * @example
 * ```ts
 * const service = await openMetadataService({ databaseUrl, secretKey });
 * await service.writeBatch({ flowRuns: [run], taskRuns: [], states: [running], logs: [] });
 * const [latest] = await service.readFlowRuns({ limit: 1 });
 * await service.close();
 * ```
 */
export class MetadataService {
  /** The database (for queries this class does not offer yet). */
  readonly db: Kysely<CairnDatabase>;
  readonly writer: MetadataWriter;
  /** Block documents: saved storage blocks with encrypted secrets. */
  readonly blocks: BlockDocumentStore;
  readonly dialect: "sqlite" | "postgresql";
  readonly #migrate: () => Promise<string[]>;
  readonly #onClose: (() => Promise<void>) | undefined;
  #closed = false;

  constructor(parts: MetadataServiceParts) {
    this.db = parts.db;
    this.writer = parts.writer;
    this.blocks = parts.blocks;
    this.dialect = parts.dialect;
    this.#migrate = parts.migrate;
    this.#onClose = parts.onClose;
  }

  /**
   * Applies pending migrations (safe while other processes use the database).
   * @returns the names of the migrations applied.
   */
  async migrate(): Promise<string[]> {
    return this.#migrate();
  }

  /**
   * Writes a batch in one transaction (see {@link MetadataWriter.writeBatch}); with a
   * `batchId`, at most once however often it is sent.
   */
  async writeBatch(batch: WriteBatch, options: WriteBatchOptions = {}): Promise<WriteOutcome> {
    return this.writer.writeBatch(coalesceRuns(batch), options);
  }

  /** Flow runs, newest first. */
  async readFlowRuns(query: FlowRunQuery = {}): Promise<FlowRunRecord[]> {
    return (await selectFlowRuns(this.db, query).execute()).map(flowRunFromRow);
  }

  /**
   * The keyset position of a flow run in the listing (for `FlowRunQuery.after`), or
   * undefined when no flow run has this id.
   */
  async readFlowRunPosition(id: string): Promise<{ created: string; seq: number } | undefined> {
    const row = await selectFlowRunPosition(this.db, id).executeTakeFirst();
    return row === undefined ? undefined : { created: row.created, seq: Number(row.seq) };
  }

  /** The names of the flows that have runs, alphabetically (at most `limit`). */
  async readFlowNames(limit = 1000): Promise<string[]> {
    return (await selectFlowNames(this.db, limit).execute()).map((r) => r.flow_name);
  }

  /** The task-run timeline of a flow run: its task runs with their attempts and subflow runs. */
  async readFlowRunTimeline(flowRunId: string): Promise<FlowRunTimeline> {
    return readFlowRunTimeline(this.db, flowRunId);
  }

  /** A task run with its attempts, inputs, cache outcome, result reference and subflow run. */
  async readTaskRunDetails(taskRun: TaskRunRecord): Promise<TaskRunDetails> {
    return readTaskRunDetails(this.db, this.blocks, taskRun);
  }

  /** The tasks that have cache entries, the most recently written first. */
  async readCachedTasks(): Promise<CachedTaskSummary[]> {
    return readCachedTasks(this.db);
  }

  /** The cache entries, hits and misses of one task (by task key), newest first. */
  async readCacheReport(taskKey: string, now: string = new Date().toISOString()): Promise<CacheReport> {
    return readCacheReport(this.db, taskKey, now);
  }

  /**
   * The flow run with this id, or the one whose id starts with it.
   * @throws AmbiguousIdError when several ids start with it.
   */
  async readFlowRun(id: string): Promise<FlowRunRecord | undefined> {
    const rows = await selectRunRowsByIdOrPrefix(this.db, "flow_run", id);
    return single("flow run", id, rows.map(flowRunFromRow));
  }

  /** Task runs, oldest first. */
  async readTaskRuns(query: TaskRunQuery = {}): Promise<TaskRunRecord[]> {
    return (await selectTaskRuns(this.db, query).execute()).map(taskRunFromRow);
  }

  /** Like {@link MetadataService.readFlowRun}, for task runs. */
  async readTaskRun(id: string): Promise<TaskRunRecord | undefined> {
    const rows = await selectRunRowsByIdOrPrefix(this.db, "task_run", id);
    return single("task run", id, rows.map(taskRunFromRow));
  }

  /** Cache candidates: see `OrchestrationClient.readCachedTaskRuns`. */
  async readCachedTaskRuns(cacheKey: string, now: string, limit = 3): Promise<TaskRunRecord[]> {
    return (await selectCachedTaskRuns(this.db, cacheKey, now, limit).execute()).map(taskRunFromRow);
  }

  /** A run's states, oldest first. */
  async readStates(runId: string): Promise<StateRecord[]> {
    return (await selectStates(this.db, runId).execute()).map(stateFromRow);
  }

  /** Log lines, oldest first. */
  async readLogs(query: LogQuery): Promise<LogRecord[]> {
    return (await selectLogs(this.db, query).execute()).map(logFromRow);
  }

  /** Distinct result references recorded in states, a page at a time (see `OrchestrationClient`). */
  async readResultReferences(
    page: { after?: ResultReferenceCursor; limit?: number } = {},
  ): Promise<{ references: ResultReferenceRecord[]; next: ResultReferenceCursor | undefined }> {
    const result = await readResultReferences(this.db, page);
    // PostgreSQL returns the bigint `seq` as text: the cursor is a number on every database.
    return result.next === undefined ? result : { ...result, next: { ...result.next, seq: Number(result.next.seq) } };
  }

  /** Replaces these result references with the "pruned" marker; returns the rows changed. */
  async forgetResultReferences(data: readonly string[]): Promise<number> {
    return this.writer.forgetResultReferences(data);
  }

  /** The runs of `host` that are not final yet: the candidates for orphan detection. */
  async readUnfinishedRuns(host: string): Promise<UnfinishedRun[]> {
    const [flows, tasks] = await Promise.all([
      selectUnfinishedFlowRuns(this.db, host).execute(),
      selectUnfinishedTaskRuns(this.db, host).execute(),
    ]);
    return [
      ...flows.map((r): UnfinishedRun => ({
        kind: "flow",
        id: r.id,
        flowRunId: r.id,
        owner: { host, pid: Number(r.owner_pid), engineId: r.owner_engine_id },
      })),
      ...tasks.map((r): UnfinishedRun => ({
        kind: "task",
        id: r.id,
        flowRunId: r.flow_run_id,
        owner: { host, pid: Number(r.owner_pid), engineId: r.owner_engine_id },
      })),
    ];
  }

  /** Marks runs CRASHED (see {@link MetadataWriter.markRunsCrashed}). */
  async markRunsCrashed(crashes: readonly RunCrash[]): Promise<number> {
    return this.writer.markRunsCrashed(crashes);
  }

  /** Closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#onClose?.();
    } finally {
      await this.db.destroy();
    }
  }
}

function single<R extends { id: string }>(kind: "flow run" | "task run", id: string, matches: R[]): R | undefined {
  if (matches.length > 1) throw new AmbiguousIdError(kind, id, matches.map((m) => m.id));
  return matches[0];
}
