import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { WriteBatch } from "../../database/service/write-batch.js";
import { CairnError } from "../../errors/cairn-error.js";
import { registerExitFlush, unregisterExitFlush } from "../queue/exit-flush.js";
import { addLocalEngine } from "../orphans/local-engines.js";
import { MetadataWriteError } from "../embedded/metadata-write-error.js";
import { WriteQueue } from "../queue/write-queue.js";
import type { OrchestrationClient } from "../orchestration-client.js";
import { findOrphans } from "../orphans/find-orphans.js";
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
import type { MetadataApi } from "./metadata-api.js";
import { halveBatch, splitBatch } from "./split-batch.js";

/** Default {@link ServiceClientOptions.flushThreshold}. */
export const DEFAULT_SERVICE_FLUSH_THRESHOLD = 2000;
/** Default {@link ServiceClientOptions.flushIntervalMs}. */
export const DEFAULT_SERVICE_FLUSH_INTERVAL_MS = 50;
/** Default {@link ServiceClientOptions.maxRowsPerBatch}. */
export const DEFAULT_MAX_ROWS_PER_BATCH = 5000;
/** After a write failed for good (the transport's own retries exhausted), try again this much later. */
const BACKGROUND_RETRY_MS = 1000;

/** A write: part of a burst, with the id that makes it idempotent. */
export interface BatchPart {
  batchId: string;
  batch: WriteBatch;
}

/** How a failed write is handled. */
export type WriteFailureKind = "too-large" | "refused" | "transient";

/** Options of {@link ServiceClient}. */
export interface ServiceClientOptions {
  /** The service layer: in-process, or a proxy over HTTP. */
  api: MetadataApi;
  /** Where the metadata goes, for messages (e.g. "the Cairn server at http://..."). */
  describe: string;
  /**
   * Send in the background as soon as this many changes are queued.
   * @default 2000
   */
  flushThreshold?: number;
  /**
   * Otherwise send this many milliseconds after the first change of a burst.
   * @default 50
   */
  flushIntervalMs?: number;
  /**
   * The most rows one batch carries (bigger bursts are sent as several batches).
   * @default 5000
   */
  maxRowsPerBatch?: number;
  /**
   * Send what is queued, synchronously, when the process exits normally (when
   * {@link ServiceClientOptions.sendSync} can).
   * @default true
   */
  flushOnExit?: boolean;
  /**
   * Sends batches synchronously (process exit); returns undefined when it cannot.
   * @default cannot
   */
  sendSync?: (parts: readonly BatchPart[]) => { ok: boolean; error?: string } | undefined;
  /** Says what a failed write means. @default "transient" for every error */
  classifyFailure?: (err: unknown) => WriteFailureKind;
}

/**
 * An {@link OrchestrationClient} on the service layer ({@link MetadataApi}), wherever
 * that runs: `record*` only queues (run rows coalesced by id, like the embedded client),
 * and the queue is written in batches, one at a time, each with a fresh batch id that
 * makes it idempotent (a batch sent again is not written twice). A batch that fails for a
 * transient reason stays in flight with its id and is sent again. {@link ServiceClient.flush}
 * resolves when everything recorded before it is committed. Reads flush first.
 *
 * `HttpClient` is this client over HTTP; `createOrchestrationClient` also uses it
 * in-process for a PostgreSQL `CAIRN_API_DATABASE_URL`.
 *
 * @example
 * ```ts
 * const client = new ServiceClient({ api: service, describe: "PostgreSQL" });
 * client.recordFlowRun(run);
 * await client.flush();
 * ```
 */
export class ServiceClient implements OrchestrationClient {
  readonly #api: MetadataApi;
  readonly #describe: string;
  readonly #queue = new WriteQueue();
  readonly #threshold: number;
  readonly #intervalMs: number;
  readonly #maxRows: number;
  readonly #sendSync: ServiceClientOptions["sendSync"];
  readonly #classify: (err: unknown) => WriteFailureKind;
  /** Changes recorded so far (a counter: flush() waits until `#durable` reaches its value). */
  #recorded = 0;
  #durable = 0;
  /** Parts taken from the queue and not confirmed yet, in order, and the count they complete. */
  #inFlight: BatchPart[] = [];
  #inFlightUpTo = 0;
  #sending: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** When the queued changes are due to be sent (epoch ms; 0: none queued since the last send started). */
  #due = 0;
  /** A failure of a write nobody awaited: reported by the next `flush()`. */
  #failure: CairnError | undefined;
  #closed = false;

  constructor(options: ServiceClientOptions) {
    this.#api = options.api;
    this.#describe = options.describe;
    this.#threshold = Math.max(1, options.flushThreshold ?? DEFAULT_SERVICE_FLUSH_THRESHOLD);
    this.#intervalMs = Math.max(0, options.flushIntervalMs ?? DEFAULT_SERVICE_FLUSH_INTERVAL_MS);
    this.#maxRows = Math.max(1, options.maxRowsPerBatch ?? DEFAULT_MAX_ROWS_PER_BATCH);
    this.#sendSync = options.sendSync;
    this.#classify = options.classifyFailure ?? (() => "transient");
    if (options.flushOnExit ?? true) registerExitFlush(this);
  }

  /** Changes recorded and not committed yet. */
  get pendingChanges(): number {
    return this.#queue.size + this.#inFlight.reduce((n, p) => n + rowsOf(p.batch), 0);
  }

  recordFlowRun(run: FlowRunRecord): void {
    this.#assertOpen();
    if (run.owner.pid === process.pid) addLocalEngine(run.owner.engineId);
    this.#queue.flowRuns.set(run.id, run);
    this.#recordedChanges(1);
  }

  recordTaskRun(run: TaskRunRecord): void {
    this.#assertOpen();
    if (run.owner.pid === process.pid) addLocalEngine(run.owner.engineId);
    this.#queue.taskRuns.set(run.id, run);
    this.#recordedChanges(1);
  }

  recordState(state: StateRecord): void {
    this.#assertOpen();
    this.#queue.states.push(state);
    // Never a send of its own: the run's row recorded next must go with it.
    this.#recordedChanges(1, false);
  }

  recordLogs(logs: readonly LogRecord[]): void {
    this.#assertOpen();
    if (logs.length === 0) return;
    for (const log of logs) this.#queue.logs.push(log);
    this.#recordedChanges(logs.length);
  }

  async flush(): Promise<void> {
    if (this.#closed) return;
    const target = this.#recorded;
    while (this.#durable < target) {
      await this.#send();
      if (this.#durable < target && this.#failure?.context.retrying === true) this.#throwFailure();
    }
    this.#throwFailure();
  }

  /** Sends what is queued; resolves once it is committed, or once a send fails (kept for `flush()`). */
  async barrier(): Promise<void> {
    if (this.#closed) return;
    const target = this.#recorded;
    while (this.#durable < target) {
      await this.#send();
      if (this.#durable < target && this.#failure !== undefined) return;
    }
  }

  /**
   * Writes what is queued before returning, when this client can do that synchronously
   * (see {@link ServiceClientOptions.sendSync}); returns false otherwise. Never throws.
   */
  flushSync(): boolean {
    if (this.#closed) return true;
    this.#clearTimer();
    if (this.#queue.isEmpty && this.#inFlight.length === 0) return true;
    const upTo = this.#recorded;
    const parts = [...this.#inFlight, ...this.#takeParts()];
    // Kept in flight, with their batch ids, whatever happens: resending them is harmless.
    this.#inFlight = parts;
    this.#inFlightUpTo = upTo;
    const outcome = this.#sendSync?.(parts);
    if (outcome?.ok === true) {
      this.#inFlight = [];
      this.#durable = Math.max(this.#durable, upTo);
      return true;
    }
    if (outcome !== undefined) {
      this.#failure = new MetadataWriteError(
        `Could not write run metadata to ${this.#describe} synchronously (${outcome.error ?? "unknown error"}).`,
        { context: { retrying: true } },
      );
    }
    return false;
  }

  async readFlowRuns(query: FlowRunQuery = {}): Promise<FlowRunRecord[]> {
    await this.#beforeRead();
    return this.#api.readFlowRuns(query);
  }

  async readFlowRun(id: string): Promise<FlowRunRecord | undefined> {
    await this.#beforeRead();
    return this.#api.readFlowRun(id);
  }

  async readTaskRuns(query: TaskRunQuery = {}): Promise<TaskRunRecord[]> {
    await this.#beforeRead();
    return this.#api.readTaskRuns(query);
  }

  async readTaskRun(id: string): Promise<TaskRunRecord | undefined> {
    await this.#beforeRead();
    return this.#api.readTaskRun(id);
  }

  /** Does not wait for queued writes (the engine keeps its own recent cache entries). */
  async readCachedTaskRuns(cacheKey: string, now: string, limit = 3): Promise<TaskRunRecord[]> {
    this.#assertOpen();
    return this.#api.readCachedTaskRuns(cacheKey, now, limit);
  }

  async readResultReferences(
    page: { after?: ResultReferenceCursor; limit?: number } = {},
  ): Promise<{ references: ResultReferenceRecord[]; next: ResultReferenceCursor | undefined }> {
    await this.#beforeRead();
    return this.#api.readResultReferences(page);
  }

  async forgetResultReferences(data: readonly string[]): Promise<number> {
    await this.#beforeRead();
    return this.#api.forgetResultReferences(data);
  }

  async readStates(runId: string): Promise<StateRecord[]> {
    await this.#beforeRead();
    return this.#api.readStates(runId);
  }

  async readLogs(query: LogQuery): Promise<LogRecord[]> {
    await this.#beforeRead();
    return this.#api.readLogs(query);
  }

  /**
   * Reads this host's unfinished runs, checks here which owners are gone (only this host
   * can), and has the service mark those CRASHED.
   */
  async markOrphanedRunsCrashed(): Promise<number> {
    // A barrier, not a flush: a failed write stays for the next flush() (the engine sweeps
    // in the background, and this client's own runs are never orphans anyway).
    this.#assertOpen();
    await this.barrier();
    const crashes = findOrphans(await this.#api.readUnfinishedRuns(hostname()));
    return crashes.length === 0 ? 0 : this.#api.markRunsCrashed(crashes);
  }

  async saveBlockDocument(input: BlockDocumentInput, options: { overwrite?: boolean } = {}): Promise<BlockDocumentRecord> {
    this.#assertOpen();
    return this.#api.blocks.save(input, options);
  }

  async saveAnonymousBlockDocument(input: BlockDocumentInput): Promise<BlockDocumentRecord> {
    this.#assertOpen();
    return this.#api.blocks.saveAnonymous(input);
  }

  async readBlockDocument(blockTypeSlug: string, name: string, options: BlockDocumentReadOptions = {}): Promise<BlockDocumentRecord | undefined> {
    this.#assertOpen();
    return this.#api.blocks.read(blockTypeSlug, name, options);
  }

  async readBlockDocumentById(id: string, options: BlockDocumentReadOptions = {}): Promise<BlockDocumentRecord | undefined> {
    this.#assertOpen();
    return this.#api.blocks.readById(id, options);
  }

  async readBlockDocuments(query: BlockDocumentQuery = {}): Promise<BlockDocumentRecord[]> {
    this.#assertOpen();
    return this.#api.blocks.list(query);
  }

  async deleteBlockDocument(blockTypeSlug: string, name: string): Promise<boolean> {
    this.#assertOpen();
    return this.#api.blocks.delete(blockTypeSlug, name);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    let error: unknown;
    try {
      await this.flush();
    } catch (err) {
      error = err;
    }
    const lost = this.pendingChanges;
    this.#closed = true;
    this.#clearTimer();
    unregisterExitFlush(this);
    await this.#api.close();
    if (lost > 0) {
      const reason = error instanceof Error ? `: ${error.message}` : "";
      throw new MetadataWriteError(`The client is closed: ${lost} changes were not written to ${this.#describe}${reason}`, {
        cause: error,
        context: { lost },
      });
    }
    if (error !== undefined) throw error;
  }

  /** @internal Called by the process-exit hook. */
  flushOnExit(): void {
    if (!this.flushSync() && this.pendingChanges > 0) {
      const reason = this.#failure?.message ?? `${this.#describe} cannot be written synchronously`;
      process.stderr.write(`cairn: ${this.pendingChanges} changes of run metadata were not written on exit: ${reason}\n`);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new CairnError("CLIENT_CLOSED", "This orchestration client is closed: open a new one.");
  }

  /** Counts `count` changes; `dispatch`: whether this record may start a send now (else only the timer may). */
  #recordedChanges(count: number, dispatch = true): void {
    this.#recorded += count;
    this.#queue.recorded += count;
    if (dispatch && this.#queue.recorded >= this.#threshold) {
      this.#clearTimer();
      void this.#send();
      return;
    }
    // Checked here too, not only by the timer: a flow of synchronous tasks never lets it fire.
    const now = Date.now();
    if (this.#due === 0) {
      this.#due = now + this.#intervalMs;
      if (this.#timer === undefined) this.#startTimer(this.#intervalMs);
    } else if (dispatch && now >= this.#due && this.#sending === undefined) {
      this.#clearTimer();
      void this.#send();
    }
  }

  #startTimer(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#send();
    }, ms);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Reads must see the writes recorded before them. */
  async #beforeRead(): Promise<void> {
    this.#assertOpen();
    await this.flush();
  }

  /** Starts sending (unless a send is running) and resolves when that send ends; never rejects. */
  #send(): Promise<void> {
    this.#sending ??= this.#sendAll()
      .catch((err: unknown) => {
        // Not a failed write (those are handled in #sendAll): keep it for the next flush().
        this.#failure = writeFailure(this.#describe, err, this.pendingChanges);
      })
      .finally(() => {
        this.#sending = undefined;
        // Changes recorded while this send was ending wait for the next one.
        if (!this.#closed && !this.#queue.isEmpty && this.#timer === undefined) this.#startTimer(this.#intervalMs);
      });
    return this.#sending;
  }

  /** Sends the parts in flight, then what is queued, until nothing is left or a send fails. */
  async #sendAll(): Promise<void> {
    this.#clearTimer();
    for (;;) {
      if (this.#inFlight.length === 0) {
        this.#due = 0;
        if (this.#queue.isEmpty) return;
        this.#inFlightUpTo = this.#recorded;
        this.#inFlight = this.#takeParts();
      }
      const part = this.#inFlight[0] as BatchPart;
      try {
        const outcome = await this.#api.writeBatch(part.batch, { batchId: part.batchId });
        // An earlier transient failure is resolved: its changes are written now.
        if (this.#failure?.context.retrying === true) this.#failure = undefined;
        if (outcome.refused > 0) this.#failure = refusedError(this.#describe, outcome.refused, outcome.errors);
      } catch (err) {
        const kind = this.#classify(err);
        if (kind === "too-large" && rowsOf(part.batch) > 1) {
          // Never processed: split it, with fresh ids, and go on.
          const halves = halveBatch(part.batch).map((batch) => ({ batchId: randomUUID(), batch }));
          this.#inFlight.splice(0, 1, ...halves);
          continue;
        }
        if (kind === "transient") {
          this.#failure = writeFailure(this.#describe, err, this.pendingChanges);
          if (!this.#closed) this.#startTimer(BACKGROUND_RETRY_MS);
          return;
        }
        // Refused for good: drop these rows, as the embedded store drops a row it refuses.
        this.#failure = refusedError(this.#describe, rowsOf(part.batch), [err instanceof Error ? err.message : String(err)], err);
      }
      this.#inFlight = this.#inFlight.filter((p) => p !== part);
      if (this.#inFlight.length === 0) this.#durable = Math.max(this.#durable, this.#inFlightUpTo);
    }
  }

  #takeParts(): BatchPart[] {
    if (this.#queue.isEmpty) return [];
    return splitBatch(this.#queue.take(), this.#maxRows).map((batch) => ({ batchId: randomUUID(), batch }));
  }

  /** Throws (once) the failure of an earlier write, if there is one. */
  #throwFailure(): void {
    const failure = this.#failure;
    if (failure === undefined) return;
    this.#failure = undefined;
    throw failure;
  }
}

function rowsOf(batch: WriteBatch): number {
  return batch.flowRuns.length + batch.taskRuns.length + batch.states.length + batch.logs.length;
}

function refusedError(where: string, rows: number, errors: readonly string[], cause?: unknown): MetadataWriteError {
  return new MetadataWriteError(
    `${capitalize(where)} refused ${rows} rows of run metadata (${errors[0] ?? "no reason given"}). ` +
      "They were dropped; the rest was written.",
    { cause, context: { retrying: false, refused: rows } },
  );
}

function writeFailure(where: string, err: unknown, pending: number): CairnError {
  if (err instanceof CairnError && err.code === "UNAUTHORIZED") {
    err.context.retrying = true;
    return err;
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new MetadataWriteError(
    `Could not write run metadata to ${where}: ${reason} ${pending} changes stay queued and will be retried.`,
    { cause: err, context: { retrying: true } },
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
