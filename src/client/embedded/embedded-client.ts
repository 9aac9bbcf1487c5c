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
import { isDataError } from "../../database/sqlite/write-failure.js";
import { CairnError } from "../../errors/cairn-error.js";
import type { OrchestrationClient } from "../orchestration-client.js";
import { findOrphans } from "../orphans/find-orphans.js";
import { addLocalEngine } from "../orphans/local-engines.js";
import { registerExitFlush, unregisterExitFlush } from "../queue/exit-flush.js";
import { WriteQueue } from "../queue/write-queue.js";
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
import { MetadataWriteError } from "./metadata-write-error.js";

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
   * Where the key that block secrets are encrypted with comes from.
   * @default the file `secret.key` next to the database file (a key kept in memory for `":memory:"`);
   *   `createOrchestrationClient` passes `SecretKeySource.fromSettings(settings)`
   */
  secretKey?: SecretKeySource;
}

/** Delay before writing again after a transient failure (e.g. the file stayed locked). */
const RETRY_DELAY_MS = 250;
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
  readonly #queue = new WriteQueue();
  readonly #threshold: number;
  readonly #intervalMs: number;
  readonly #onTimer = (): void => this.#timerFired();
  #timer: NodeJS.Timeout | undefined;
  /**
   * When the queued changes are due (epoch ms; 0: nothing queued). Checked on every
   * `record*`, so the interval holds even when the engine never yields to the event loop
   * (a flow of synchronous tasks never lets the timer fire).
   */
  #due = 0;
  /** A background write failed: its error waits to be reported by the next `flush()`. */
  #failure: MetadataWriteError | undefined;
  /** After a transient failure, inline writes pause until the retry timer succeeds. */
  #retrying = false;
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
    this.#threshold = Math.max(1, options.flushThreshold ?? DEFAULT_FLUSH_THRESHOLD);
    this.#intervalMs = Math.max(0, options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    if (options.flushOnExit ?? true) registerExitFlush(this);
  }

  /** Changes recorded and not written yet. */
  get pendingChanges(): number {
    return this.#queue.size;
  }

  recordFlowRun(run: FlowRunRecord): void {
    if (this.#closed) throw closedError();
    if (run.owner.pid === PID) addLocalEngine(run.owner.engineId);
    this.#queue.flowRuns.set(run.id, run);
    this.#recorded(1);
  }

  recordTaskRun(run: TaskRunRecord): void {
    if (this.#closed) throw closedError();
    if (run.owner.pid === PID) addLocalEngine(run.owner.engineId);
    this.#queue.taskRuns.set(run.id, run);
    this.#recorded(1);
  }

  recordState(state: StateRecord): void {
    if (this.#closed) throw closedError();
    this.#queue.states.push(state);
    this.#recorded(1);
  }

  recordLogs(logs: readonly LogRecord[]): void {
    if (this.#closed) throw closedError();
    const queued = this.#queue.logs;
    for (const log of logs) queued.push(log);
    this.#recorded(logs.length);
  }

  async flush(): Promise<void> {
    this.#flushAndReport();
  }

  /**
   * Writes what is queued now (a failure is kept for the next `flush()`), so that it is
   * durable when the promise resolves unless the write failed.
   */
  barrier(): Promise<void> {
    if (!this.#closed && !this.#retrying) this.#flushInBackground();
    return Promise.resolve();
  }

  /**
   * Writes everything queued before returning, and returns true. Never throws (it runs in
   * `process.on("exit")` handlers): when the write fails it returns false, and the next
   * {@link EmbeddedClient.flush} or {@link EmbeddedClient.close} reports the error.
   */
  flushSync(): boolean {
    if (this.#closed) return true;
    try {
      this.#flushNow();
      return true;
    } catch (err) {
      this.#failure = err as MetadataWriteError;
      return false;
    }
  }

  async readFlowRuns(query: FlowRunQuery = {}): Promise<FlowRunRecord[]> {
    this.#flushForRead();
    return this.#service.readFlowRuns(query);
  }

  async readFlowRun(id: string): Promise<FlowRunRecord | undefined> {
    this.#flushForRead();
    return this.#service.readFlowRun(id);
  }

  async readTaskRuns(query: TaskRunQuery = {}): Promise<TaskRunRecord[]> {
    this.#flushForRead();
    return this.#service.readTaskRuns(query);
  }

  async readTaskRun(id: string): Promise<TaskRunRecord | undefined> {
    this.#flushForRead();
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
    this.#flushForRead();
    return this.#service.readResultReferences(page);
  }

  async forgetResultReferences(data: readonly string[]): Promise<number> {
    this.#flushForRead();
    return this.#writer.forgetResultReferencesSync(data);
  }

  async readStates(runId: string): Promise<StateRecord[]> {
    this.#flushForRead();
    return this.#service.readStates(runId);
  }

  async readLogs(query: LogQuery): Promise<LogRecord[]> {
    this.#flushForRead();
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
    if (!this.#retrying) this.#flushInBackground();
    const crashes = findOrphans(await this.#service.readUnfinishedRuns(hostname()));
    return this.#writer.markRunsCrashedSync(crashes);
  }

  async saveBlockDocument(input: BlockDocumentInput, options: { overwrite?: boolean } = {}): Promise<BlockDocumentRecord> {
    this.#flushForRead();
    return this.#service.blocks.save(input, options);
  }

  async saveAnonymousBlockDocument(input: BlockDocumentInput): Promise<BlockDocumentRecord> {
    this.#flushForRead();
    return this.#service.blocks.saveAnonymous(input);
  }

  async readBlockDocument(
    blockTypeSlug: string,
    name: string,
    options: BlockDocumentReadOptions = {},
  ): Promise<BlockDocumentRecord | undefined> {
    this.#flushForRead();
    return this.#service.blocks.read(blockTypeSlug, name, options);
  }

  async readBlockDocumentById(id: string, options: BlockDocumentReadOptions = {}): Promise<BlockDocumentRecord | undefined> {
    this.#flushForRead();
    return this.#service.blocks.readById(id, options);
  }

  async readBlockDocuments(query: BlockDocumentQuery = {}): Promise<BlockDocumentRecord[]> {
    this.#flushForRead();
    return this.#service.blocks.list(query);
  }

  async deleteBlockDocument(blockTypeSlug: string, name: string): Promise<boolean> {
    this.#flushForRead();
    return this.#service.blocks.delete(blockTypeSlug, name);
  }

  /**
   * Re-encrypts the secrets of every block document from key `from` to key `to` in one
   * `BEGIN IMMEDIATE` transaction (all or nothing). Used by `rotateSecretKey`.
   */
  async reencryptBlockSecrets(from: SecretKey, to: SecretKey): Promise<number> {
    this.#flushForRead();
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
    let error: unknown;
    try {
      this.#flushAndReport();
    } catch (err) {
      error = err;
    }
    const lost = this.#queue.size;
    this.#closed = true;
    this.#clearTimer();
    unregisterExitFlush(this);
    await this.#service.close();
    if (lost > 0) {
      throw writeError(error, `The client is closed: ${lost} changes were not written`, { lost });
    }
    if (error !== undefined) throw error;
  }

  /** @internal Called by the process-exit hook. */
  flushOnExit(): void {
    try {
      this.#flushNow();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`cairn: could not write run metadata on exit: ${message}\n`);
    }
  }

  #recorded(count: number): void {
    const queue = this.#queue;
    queue.recorded += count;
    if (this.#retrying) {
      if (this.#timer === undefined) this.#startTimer(RETRY_DELAY_MS);
      return;
    }
    if (queue.recorded >= this.#threshold) {
      this.#flushInBackground();
      return;
    }
    const now = Date.now();
    if (this.#due === 0) {
      this.#due = now + this.#intervalMs;
      if (this.#timer === undefined) this.#startTimer(this.#intervalMs);
    } else if (now >= this.#due) {
      this.#flushInBackground();
    }
  }

  #startTimer(ms: number): void {
    this.#timer = setTimeout(this.#onTimer, ms);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #timerFired(): void {
    this.#timer = undefined;
    this.#flushInBackground();
  }

  /** A write nobody awaits (inline or timer): failures are kept for the next `flush()`. */
  #flushInBackground(): void {
    try {
      this.#flushNow();
    } catch (err) {
      this.#failure = err as MetadataWriteError;
    }
  }

  /** Before a read: the reader must see its own writes, so a failure fails the read. */
  #flushForRead(): void {
    if (this.#closed) throw closedError();
    this.#flushNow();
  }

  /** For `flush()`/`flushSync()`/`close()`: also reports a failure of an earlier background write. */
  #flushAndReport(): void {
    if (this.#closed) return;
    try {
      this.#flushNow();
    } catch (err) {
      if (this.#failure?.context.retrying === true) this.#failure = undefined; // superseded
      throw err;
    }
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure !== undefined) throw failure;
  }

  /** Writes everything queued, synchronously, in one transaction. */
  #flushNow(): void {
    this.#clearTimer();
    this.#due = 0;
    if (this.#queue.isEmpty) return;
    const batch = this.#queue.take();
    try {
      this.#writer.writeSync(batch);
      this.#retrying = false;
      // An earlier transient failure is resolved: its changes are written now.
      if (this.#failure?.context.retrying === true) this.#failure = undefined;
      return;
    } catch (err) {
      if (!isDataError(err)) {
        this.#queue.restore(batch);
        this.#retrying = true;
        this.#startTimer(RETRY_DELAY_MS);
        throw writeError(err, `${this.#queue.size} changes stay queued and will be retried`, {
          retrying: true,
        });
      }
      // A bad row: write the others one by one rather than lose the whole burst.
      const refused = this.#writer.writeEachSync(batch) ?? { count: 0, errors: [] };
      this.#retrying = false;
      if (refused.count > 0) {
        throw writeError(refused.errors[0], `${refused.count} refused rows were dropped`, {
          retrying: false,
          refused: refused.count,
        });
      }
    }
  }
}

/** `secret.key` next to the database file; an in-memory key for an in-memory database. */
function defaultSecretKeySource(path: string): SecretKeySource {
  if (path === ":memory:" || path === "") return new SecretKeySource({ file: "", value: SecretKey.generate().toBase64() });
  return new SecretKeySource({ file: join(dirname(path), SECRET_KEY_FILE_NAME) });
}

function writeError(cause: unknown, consequence: string, context: Record<string, unknown>) {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new MetadataWriteError(
    `Could not write run metadata to the embedded store: ${reason}. ${consequence}.`,
    { cause, context },
  );
}

function closedError(): CairnError {
  return new CairnError(
    "CLIENT_CLOSED",
    "This orchestration client is closed: open a new one with openEmbeddedClient().",
  );
}
