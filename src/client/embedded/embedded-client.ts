import { hostname } from "node:os";
import { dirname, join } from "node:path";
import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import { BlockDocumentStore } from "../../blocks/block-document-store.js";
import { reencryptBlockSecrets } from "../../blocks/secrets/reencrypt-block-secrets.js";
import { SecretKey } from "../../blocks/secrets/secret-key.js";
import { SECRET_KEY_FILE_NAME } from "../../blocks/secrets/secret-key-file.js";
import { SecretKeySource } from "../../blocks/secrets/secret-key-source.js";
import { selectCachedTaskRuns } from "../../database/queries/run-queries.js";
import { taskRunFromRow } from "../../database/rows/task-run-row.js";
import type { CairnDatabase } from "../../database/schema.js";
import { MetadataService } from "../../database/service/metadata-service.js";
import { migrateSqliteDatabase } from "../../database/sqlite/migrate-sqlite-database.js";
import { SqliteMetadataWriter } from "../../database/sqlite/sqlite-metadata-writer.js";
import { CairnError } from "../../errors/cairn-error.js";
import type { OrchestrationClient } from "../orchestration-client.js";
import { findOrphans } from "../orphans/find-orphans.js";
import { addLocalEngine } from "../orphans/local-engines.js";
import { registerExitFlush, unregisterExitFlush } from "../queue/exit-flush.js";
import type {
  BlockDocumentInput,
  BlockDocumentQuery,
  BlockDocumentReadOptions,
  BlockDocumentRecord,
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
import { SqliteWritePath } from "./sqlite-write-path.js";

/**
 * Default {@link EmbeddedClientOptions.flushThreshold}: measured with `bench/store.ts`
 * (bursts of 500 changes cost ~30% more per task run than bursts of 2000; larger bursts
 * gain little more and stall the engine longer).
 */
export const DEFAULT_FLUSH_THRESHOLD = 2000;
/** Default {@link EmbeddedClientOptions.flushIntervalMs}. */
export const DEFAULT_FLUSH_INTERVAL_MS = 20;

/** Tuning of the embedded client's write path. */
export interface EmbeddedClientOptions {
  /**
   * Write synchronously, inside the `record*` call, once this many changes are queued
   * (keeps memory bounded even when the engine never yields to the event loop).
   * @default 2000
   */
  flushThreshold?: number;
  /**
   * Otherwise write this many milliseconds after the first change of a burst
   * (an unref'd timer: it never keeps the process alive).
   * @default 20
   */
  flushIntervalMs?: number;
  /**
   * Write what is queued, synchronously, when the process exits normally.
   * @default true
   */
  flushOnExit?: boolean;
  /**
   * Where bursts are written. `"auto"`: on the calling thread until the client has written
   * 2,000 changes, then on a writer thread of its own (a worker with its own connection), so
   * that writing overlaps with the engine's work; `true`: on the writer thread from the start;
   * `false`: always on the calling thread. An in-memory database never uses the thread.
   * @default "auto"
   */
  writerThread?: boolean | "auto";
  /** How long a write waits for another process's lock (the writer thread's connection too). @default 5000 */
  busyTimeoutMs?: number;
  /**
   * Where the key that block secrets are encrypted with comes from.
   * @default the file `secret.key` next to the database file (a key kept in memory for `":memory:"`);
   *   `createOrchestrationClient` passes `SecretKeySource.fromSettings(settings)`
   */
  secretKey?: SecretKeySource;
}

const PID = process.pid;

/**
 * The {@link OrchestrationClient} of the embedded store: SQLite in this process.
 *
 * Write path: `record*` only queues (run rows coalesced by id, states and log lines in
 * order); the queue is written in bursts, one `BEGIN IMMEDIATE` transaction each, when
 * it reaches `flushThreshold` changes (inline) or `flushIntervalMs` after the first change
 * (timer), and on {@link EmbeddedClient.flush}, {@link EmbeddedClient.flushSync}, reads,
 * {@link EmbeddedClient.close} and process exit. Records are kept by reference until
 * written: treat a record as immutable once recorded (record a new object to change it).
 *
 * Read path: pending writes are flushed, then Kysely runs the query on the same
 * connection. See `docs/metadata-store.md`.
 *
 * @example
 * ```ts
 * const client = await openEmbeddedClient({ path: "/tmp/cairn.db" });
 * client.recordFlowRun(run);
 * client.recordState(running);
 * await client.flush();            // durable from here on
 * await client.readStates(run.id); // [running]
 * await client.close();
 * ```
 */
export class EmbeddedClient implements OrchestrationClient {
  /** The database file. */
  readonly path: string;
  readonly #sqlite: Database.Database;
  readonly #db: Kysely<CairnDatabase>;
  /** The service layer on this file: reads, orphan marking, blocks (the server runs the same). */
  readonly #service: MetadataService;
  /** Its SQLite write transactions, called synchronously on the write path. */
  readonly #writer: SqliteMetadataWriter;
  readonly #writes: SqliteWritePath;
  #closed = false;

  /** Use {@link openEmbeddedClient}, which opens the file and runs the migrations. */
  constructor(
    sqlite: Database.Database,
    db: Kysely<CairnDatabase>,
    path: string,
    options: EmbeddedClientOptions = {},
  ) {
    this.path = path;
    this.#sqlite = sqlite;
    this.#db = db;
    this.#writer = new SqliteMetadataWriter(sqlite, db);
    this.#service = new MetadataService({
      db,
      writer: this.#writer,
      blocks: new BlockDocumentStore(db, options.secretKey ?? defaultSecretKeySource(path)),
      dialect: "sqlite",
      migrate: () => migrateSqliteDatabase(sqlite, db),
    });
    this.#writes = new SqliteWritePath(this.#writer, {
      path,
      busyTimeoutMs: options.busyTimeoutMs,
      threshold: Math.max(1, options.flushThreshold ?? DEFAULT_FLUSH_THRESHOLD),
      intervalMs: Math.max(0, options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS),
      writerThread: options.writerThread ?? "auto",
    });
    if (options.flushOnExit ?? true) registerExitFlush(this);
  }

  /** Changes recorded and not committed yet. */
  get pendingChanges(): number {
    return this.#writes.pendingChanges;
  }

  /** Whether bursts currently go to the writer thread (see {@link EmbeddedClientOptions.writerThread}). */
  get usesWriterThread(): boolean {
    return this.#writes.usesWriterThread;
  }

  /** @internal Resolves once the writer thread takes bursts (`openEmbeddedClient` awaits it when `writerThread` is true). */
  writerThreadReady(): Promise<void> {
    return this.#writes.writerThreadReady();
  }

  recordFlowRun(run: FlowRunRecord): void {
    if (this.#closed) throw closedError();
    if (run.owner.pid === PID) addLocalEngine(run.owner.engineId);
    this.#writes.recordFlowRun(run);
  }

  recordTaskRun(run: TaskRunRecord): void {
    if (this.#closed) throw closedError();
    if (run.owner.pid === PID) addLocalEngine(run.owner.engineId);
    this.#writes.recordTaskRun(run);
  }

  recordState(state: StateRecord): void {
    if (this.#closed) throw closedError();
    this.#writes.recordState(state);
  }

  recordLogs(logs: readonly LogRecord[]): void {
    if (this.#closed) throw closedError();
    this.#writes.recordLogs(logs);
  }

  flush(): Promise<void> {
    return this.#writes.flush();
  }

  /**
   * Writes what is queued now (a failure is kept for the next `flush()`), so that it is
   * durable when the promise resolves unless the write failed.
   */
  barrier(): Promise<void> {
    return this.#closed ? Promise.resolve() : this.#writes.barrier();
  }

  /**
   * Writes everything queued before returning, and returns true. Never throws (it runs in
   * `process.on("exit")` handlers): when the write fails it returns false, and the next
   * {@link EmbeddedClient.flush} or {@link EmbeddedClient.close} reports the error.
   */
  flushSync(): boolean {
    return this.#closed || this.#writes.flushSync();
  }


  async readFlowRuns(query: FlowRunQuery = {}): Promise<FlowRunRecord[]> {
    await this.#beforeRead();
    return this.#service.readFlowRuns(query);
  }

  async readFlowRun(id: string): Promise<FlowRunRecord | undefined> {
    await this.#beforeRead();
    return this.#service.readFlowRun(id);
  }

  async readTaskRuns(query: TaskRunQuery = {}): Promise<TaskRunRecord[]> {
    await this.#beforeRead();
    return this.#service.readTaskRuns(query);
  }

  async readTaskRun(id: string): Promise<TaskRunRecord | undefined> {
    await this.#beforeRead();
    return this.#service.readTaskRun(id);
  }

  /**
   * Does not flush first: cache lookups are on the hot path of every cached task, and the
   * engine sees its own recent entries without the store. Runs the service layer's query
   * as a cached prepared statement, synchronously.
   */
  readCachedTaskRuns(cacheKey: string, now: string, limit = 3): Promise<TaskRunRecord[]> {
    try {
      const rows = this.#writer.statements.all(selectCachedTaskRuns(this.#db, cacheKey, now, limit).compile());
      return Promise.resolve(rows.map(taskRunFromRow));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async readResultReferences(
    page: { after?: ResultReferenceCursor; limit?: number } = {},
  ): Promise<{ references: ResultReferenceRecord[]; next: ResultReferenceCursor | undefined }> {
    await this.#beforeRead();
    return this.#service.readResultReferences(page);
  }

  async forgetResultReferences(data: readonly string[]): Promise<number> {
    await this.#beforeRead();
    return this.#writer.forgetResultReferencesSync(data);
  }

  async readStates(runId: string): Promise<StateRecord[]> {
    await this.#beforeRead();
    return this.#service.readStates(runId);
  }

  async readLogs(query: LogQuery): Promise<LogRecord[]> {
    await this.#beforeRead();
    return this.#service.readLogs(query);
  }

  /**
   * Reads this host's unfinished runs, decides here which owners are gone
   * (`findOrphans`), and marks those CRASHED in one `BEGIN IMMEDIATE` transaction, each
   * only if it is still unfinished and owned by the same process.
   */
  async markOrphanedRunsCrashed(): Promise<number> {
    // Not a read of this client's own runs (those are never orphans): a failed write is
    // kept for the next flush(), not thrown here (the engine sweeps in the background).
    if (this.#closed) throw closedError();
    this.#writes.dispatchSoon();
    const crashes = findOrphans(await this.#service.readUnfinishedRuns(hostname()));
    return this.#writer.markRunsCrashedSync(crashes);
  }

  async saveBlockDocument(input: BlockDocumentInput, options: { overwrite?: boolean } = {}): Promise<BlockDocumentRecord> {
    await this.#beforeRead();
    return this.#service.blocks.save(input, options);
  }

  async saveAnonymousBlockDocument(input: BlockDocumentInput): Promise<BlockDocumentRecord> {
    await this.#beforeRead();
    return this.#service.blocks.saveAnonymous(input);
  }

  async readBlockDocument(
    blockTypeSlug: string,
    name: string,
    options: BlockDocumentReadOptions = {},
  ): Promise<BlockDocumentRecord | undefined> {
    await this.#beforeRead();
    return this.#service.blocks.read(blockTypeSlug, name, options);
  }

  async readBlockDocumentById(id: string, options: BlockDocumentReadOptions = {}): Promise<BlockDocumentRecord | undefined> {
    await this.#beforeRead();
    return this.#service.blocks.readById(id, options);
  }

  async readBlockDocuments(query: BlockDocumentQuery = {}): Promise<BlockDocumentRecord[]> {
    await this.#beforeRead();
    return this.#service.blocks.list(query);
  }

  async deleteBlockDocument(blockTypeSlug: string, name: string): Promise<boolean> {
    await this.#beforeRead();
    return this.#service.blocks.delete(blockTypeSlug, name);
  }

  /**
   * Re-encrypts the secrets of every block document from key `from` to key `to` in one
   * `BEGIN IMMEDIATE` transaction (all or nothing). Used by `rotateSecretKey`.
   */
  async reencryptBlockSecrets(from: SecretKey, to: SecretKey): Promise<number> {
    await this.#beforeRead();
    this.#sqlite.exec("BEGIN IMMEDIATE");
    try {
      const rewritten = await reencryptBlockSecrets(this.#db, from, to);
      this.#sqlite.exec("COMMIT");
      return rewritten;
    } catch (err) {
      if (this.#sqlite.inTransaction) this.#sqlite.exec("ROLLBACK");
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    unregisterExitFlush(this);
    try {
      await this.#writes.close();
    } finally {
      await this.#service.close();
    }
  }


  /** @internal Called by the process-exit hook. */
  flushOnExit(): void {
    if (this.#closed || this.#writes.flushSync()) return;
    process.stderr.write(`cairn: ${this.#writes.pendingChanges} changes of run metadata could not be written on exit.\n`);
  }

  /** Before a read: the reader must see its own writes, so a failure to write them fails the read. */
  async #beforeRead(): Promise<void> {
    if (this.#closed) throw closedError();
    await this.#writes.beforeRead();
  }
}

/** `secret.key` next to the database file; an in-memory key for an in-memory database. */
function defaultSecretKeySource(path: string): SecretKeySource {
  if (path === ":memory:" || path === "") return new SecretKeySource({ file: "", value: SecretKey.generate().toBase64() });
  return new SecretKeySource({ file: join(dirname(path), SECRET_KEY_FILE_NAME) });
}

function closedError(): CairnError {
  return new CairnError(
    "CLIENT_CLOSED",
    "This orchestration client is closed: open a new one with openEmbeddedClient().",
  );
}
