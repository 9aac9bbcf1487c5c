import type { SqliteMetadataWriter } from "../../database/sqlite/sqlite-metadata-writer.js";
import { isDataError } from "../../database/sqlite/write-failure.js";
import { SqliteWriterThread } from "../../database/sqlite/writer-thread/sqlite-writer-thread.js";
import type { WriterFailure } from "../../database/sqlite/writer-thread/writer-protocol.js";
import type { WriteBatch } from "../../database/service/write-batch.js";
import type { FlowRunRecord, LogRecord, StateRecord, TaskRunRecord } from "../../records/index.js";
import { WriteQueue } from "../queue/write-queue.js";
import { MetadataWriteError } from "./metadata-write-error.js";

/** Delay before writing again after a transient failure (e.g. the file stayed locked). */
const RETRY_DELAY_MS = 250;
/**
 * In `"auto"` mode, the writer thread starts once this many changes were written inline:
 * a short script (or a test) never pays for a thread, a busy process gets one within its
 * first few hundred task runs.
 */
export const WRITER_THREAD_AFTER_CHANGES = 2000;
/** How long a synchronous flush (process exit) waits for the writer thread. */
const SYNC_WAIT_MS = 10_000;

/** Options of {@link SqliteWritePath}. */
export interface SqliteWritePathOptions {
  /** The database file (`":memory:"`: never a writer thread). */
  path: string;
  busyTimeoutMs: number | undefined;
  threshold: number;
  intervalMs: number;
  /** `"auto"`: start the writer thread once the client writes a lot; `true`: at once; `false`: never. */
  writerThread: boolean | "auto";
}

/**
 * The embedded client's write path: the queue, and where its bursts go.
 *
 * `record*` only queues. A burst (the whole queue, one `BEGIN IMMEDIATE` transaction) is
 * dispatched when the queue holds `threshold` changes, or when `intervalMs` have passed since
 * its first change — checked on every record as well as by an unref'd timer, so the bound
 * holds under a flow of synchronous tasks — and on flush, reads, barriers, close and exit.
 *
 * A burst is written inline (synchronously, on the calling thread) until the writer thread
 * is running; from then on it is posted to that thread (`SqliteWriterThread`), which writes
 * while the engine goes on. At most two bursts are ever in the thread's hands: a third
 * waits (blocking) for the first, so a crash loses at most the queue and those two bursts.
 */
export class SqliteWritePath {
  readonly #writer: SqliteMetadataWriter;
  readonly #options: SqliteWritePathOptions;
  readonly #queue = new WriteQueue();
  readonly #onTimer = (): void => this.#timerFired();
  #timer: NodeJS.Timeout | undefined;
  /** When the queued changes are due (epoch ms; 0: nothing queued). */
  #due = 0;
  /** A background write failed: its error waits to be reported by the next `flush()`. */
  #failure: MetadataWriteError | undefined;
  /** After a transient failure of an inline write, inline writes pause until the retry timer succeeds. */
  #retrying = false;
  #thread: SqliteWriterThread | undefined;
  /** What the writer thread reported when it began retrying (kept until it commits again). */
  #threadRetrying: WriterFailure | undefined;
  #mode: boolean | "auto";
  #writtenInline = 0;
  #closed = false;

  constructor(writer: SqliteMetadataWriter, options: SqliteWritePathOptions) {
    this.#writer = writer;
    this.#options = options;
    this.#mode = options.writerThread;
    if (this.#mode === true) this.#startThread();
  }

  /** Changes recorded and not known to be committed. */
  get pendingChanges(): number {
    return this.#queue.size + (this.#thread?.uncommittedChanges ?? 0);
  }

  /**
   * Resolves once the writer thread takes bursts (at once without one); rejects if it
   * could not start (bursts are then written inline).
   */
  async writerThreadReady(): Promise<void> {
    await this.#thread?.ready;
  }

  /** Whether bursts currently go to the writer thread. */
  get usesWriterThread(): boolean {
    return this.#thread?.isReady ?? false;
  }

  recordFlowRun(run: FlowRunRecord): void {
    this.#queue.flowRuns.set(run.id, run);
    this.#recorded(1);
  }

  recordTaskRun(run: TaskRunRecord): void {
    this.#queue.taskRuns.set(run.id, run);
    this.#recorded(1);
  }

  recordState(state: StateRecord): void {
    this.#queue.states.push(state);
    // Never a burst of its own: the run's row recorded next must land in the same one (else a
    // crash between them leaves a history the row contradicts).
    this.#recorded(1, false);
  }

  recordLogs(logs: readonly LogRecord[]): void {
    const queued = this.#queue.logs;
    for (const log of logs) queued.push(log);
    this.#recorded(logs.length);
  }

  /** Everything recorded before the call is committed; throws (once) any failure since the last flush. */
  async flush(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#dispatch();
    } catch (err) {
      if (this.#failure?.context.retrying === true) this.#failure = undefined; // superseded
      throw err;
    }
    await this.#settleThread(true);
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure !== undefined) throw failure;
  }

  /** Before a read: the reader must see its own writes, so a failure to write them fails the read. */
  async beforeRead(): Promise<void> {
    this.#dispatch();
    await this.#settleThread(false);
  }

  /** Resolves once what is recorded is committed, or once writing it failed (kept for `flush()`). */
  barrier(): Promise<void> {
    if (this.#closed || this.#retrying) return Promise.resolve();
    this.#dispatchInBackground();
    const thread = this.#thread;
    if (thread === undefined || thread.confirmed >= thread.posted || thread.retrying) return Promise.resolve();
    return thread.whenCommitted(thread.posted);
  }

  /** Dispatches what is queued now, in the background (a failure is kept for `flush()`). */
  dispatchSoon(): void {
    if (!this.#closed && !this.#retrying) this.#dispatchInBackground();
  }

  /**
   * Commits everything before returning; never throws (process exit). False when the write
   * failed (the next `flush()` reports it) or the writer thread did not answer in time.
   */
  flushSync(): boolean {
    if (this.#closed) return true;
    try {
      this.#dispatch();
    } catch (err) {
      this.#keepFailure(err);
      return false;
    }
    const thread = this.#thread;
    if (thread === undefined || thread.committed >= thread.posted) return true;
    if (thread.retrying) return false; // the database is locked (or full): waiting would not help
    if (thread.waitSync(thread.posted, SYNC_WAIT_MS)) return true;
    if (thread.alive) return false;
    this.#threadDied(thread, undefined); // its batches are queued again: write them inline
    return this.flushSync();
  }

  /** Writes what is left and stops the writer thread; throws if something could not be written. */
  async close(): Promise<void> {
    if (this.#closed) return;
    let error: unknown;
    try {
      await this.flush();
    } catch (err) {
      error = err;
    }
    this.#clearTimer();
    const thread = this.#thread;
    if (thread !== undefined) {
      this.#thread = undefined;
      const left = await thread.close(SYNC_WAIT_MS);
      this.#requeue(left);
      if (left.length > 0) {
        try {
          this.#writeInline();
        } catch (err) {
          error ??= err;
        }
      }
    }
    const lost = this.#queue.size;
    this.#closed = true;
    if (lost > 0) {
      throw writeError(error, `The client is closed: ${lost} changes were not written`, { lost });
    }
    if (error !== undefined) throw error;
  }

  /** Counts `count` changes; `dispatch`: whether this record may start a burst now (else only the timer may). */
  #recorded(count: number, dispatch = true): void {
    const queue = this.#queue;
    queue.recorded += count;
    if (this.#retrying) {
      if (this.#timer === undefined) this.#startTimer(RETRY_DELAY_MS);
      return;
    }
    if (dispatch && queue.recorded >= this.#options.threshold) {
      this.#dispatchInBackground();
      return;
    }
    const now = Date.now();
    if (this.#due === 0) {
      this.#due = now + this.#options.intervalMs;
      if (this.#timer === undefined) this.#startTimer(this.#options.intervalMs);
    } else if (dispatch && now >= this.#due) {
      this.#dispatchInBackground();
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
    this.#dispatchInBackground();
  }

  /** A dispatch nobody awaits (threshold, interval, timer): failures are kept for the next `flush()`. */
  #dispatchInBackground(): void {
    try {
      this.#dispatch();
    } catch (err) {
      this.#keepFailure(err);
    }
  }

  /** Takes the queue: posted to the writer thread when it runs, else written inline (throws if that fails). */
  #dispatch(): void {
    this.#clearTimer();
    this.#due = 0;
    if (this.#queue.isEmpty) return;
    const thread = this.#thread;
    if (thread !== undefined && thread.isReady && !this.#retrying) {
      const batch = this.#queue.take();
      try {
        thread.post(batch);
      } catch (err) {
        const lost = batch.flowRuns.length + batch.taskRuns.length + batch.states.length + batch.logs.length;
        throw writeError(err, `${lost} changes could not be handed to the writer thread and are lost`, { retrying: false, lost });
      }
      // Never more than two bursts in the thread's hands (bounded memory, bounded loss).
      if (thread.posted - thread.committed > 2 && !thread.retrying) thread.waitSync(thread.posted - 2, SYNC_WAIT_MS);
      return;
    }
    this.#writeInline();
  }

  /** Writes everything queued, synchronously, in one transaction on this thread. */
  #writeInline(): void {
    this.#clearTimer();
    this.#due = 0;
    if (this.#queue.isEmpty) return;
    const batch = this.#queue.take();
    try {
      this.#writer.writeSync(batch);
      this.#retrying = false;
      // An earlier transient failure is resolved: its changes are written now.
      if (this.#failure?.context.retrying === true) this.#failure = undefined;
    } catch (err) {
      if (!isDataError(err)) {
        this.#queue.restore(batch);
        this.#retrying = true;
        this.#startTimer(RETRY_DELAY_MS);
        throw writeError(err, `${this.#queue.size} changes stay queued and will be retried`, { retrying: true });
      }
      // A bad row: write the others one by one rather than lose the whole burst.
      let refused: { count: number; errors: unknown[] };
      try {
        refused = this.#writer.writeEachSync(batch) ?? { count: 0, errors: [] };
      } catch (retryErr) {
        // The database failed meanwhile (locked by another process, full): nothing of it was written.
        this.#queue.restore(batch);
        this.#retrying = true;
        this.#startTimer(RETRY_DELAY_MS);
        throw writeError(retryErr, `${this.#queue.size} changes stay queued and will be retried`, { retrying: true });
      }
      this.#retrying = false;
      if (refused.count > 0) {
        throw writeError(refused.errors[0], `${refused.count} refused rows were dropped`, { retrying: false, refused: refused.count });
      }
    } finally {
      this.#writtenInline += batch.flowRuns.length + batch.taskRuns.length + batch.states.length + batch.logs.length;
      if (this.#mode === "auto" && this.#thread === undefined && this.#writtenInline >= WRITER_THREAD_AFTER_CHANGES) {
        this.#startThread();
      }
    }
  }

  /**
   * Waits until the writer thread has committed (and reported on) everything posted. Throws
   * when it is retrying a transient failure (the changes stay with it and are retried);
   * `consumeFailures`: the reported failure is then cleared (flush), else kept (reads).
   */
  async #settleThread(consumeFailures: boolean): Promise<void> {
    let nudged = false;
    for (;;) {
      const thread = this.#thread;
      if (thread === undefined || thread.confirmed >= thread.posted) break;
      if (!thread.alive) {
        this.#threadDied(thread, undefined); // its batches are queued again
        this.#dispatch();
        continue;
      }
      if (thread.retrying) {
        if (!nudged) {
          // As an inline write would: try once more now, and report how that went.
          nudged = true;
          thread.retryNow();
          await thread.whenCommitted(thread.posted);
          continue;
        }
        const failure = this.#failure ?? this.#retryError(this.#threadRetrying);
        this.#failure = consumeFailures ? undefined : failure;
        throw failure;
      }
      await thread.whenCommitted(thread.posted);
    }
    // Everything posted is committed: an earlier transient failure is resolved.
    this.#threadRetrying = undefined;
    if (this.#failure?.context.retrying === true) this.#failure = undefined;
  }

  #startThread(): void {
    const { path, busyTimeoutMs } = this.#options;
    if (path === ":memory:" || path === "") return;
    let thread: SqliteWriterThread;
    try {
      thread = SqliteWriterThread.start({
        path,
        busyTimeoutMs,
        onFailure: (failure) => this.#threadFailed(failure),
        onExit: (error) => this.#threadDied(thread, error),
      });
    } catch {
      return; // no thread: keep writing inline
    }
    this.#thread = thread;
  }

  #threadFailed(failure: WriterFailure): void {
    if (failure.retrying) {
      this.#threadRetrying = failure;
      this.#keepFailure(this.#retryError(failure));
      return;
    }
    const cause = Object.assign(new Error(failure.message), { code: failure.code });
    this.#failure = writeError(cause, `${failure.refused} refused rows were dropped`, { retrying: false, refused: failure.refused });
  }

  /**
   * Keeps a failure (as a {@link MetadataWriteError}) for the next `flush()` — unless an unreported loss (refused rows) is kept
   * already: a transient failure, retried and cleared once a write succeeds, must not hide it.
   */
  #keepFailure(err: unknown): void {
    const failure = err instanceof MetadataWriteError ? err : writeError(err, "the changes of that write are lost", { retrying: false });
    if (failure.context.retrying === true && this.#failure !== undefined && this.#failure.context.retrying !== true) return;
    this.#failure = failure;
  }

  #retryError(failure: WriterFailure | undefined): MetadataWriteError {
    const cause = Object.assign(new Error(failure?.message ?? "the database is busy"), { code: failure?.code });
    return writeError(cause, `${this.pendingChanges} changes stay queued and will be retried`, { retrying: true });
  }

  /** The thread died (or never started): write inline again, starting with what it had not committed. */
  #threadDied(thread: SqliteWriterThread, error: Error | undefined): void {
    if (this.#thread !== thread) return;
    this.#thread = undefined;
    this.#mode = false;
    this.#requeue(thread.takeUncommitted());
    if (error !== undefined && thread.posted > 0) {
      process.stderr.write(`cairn: the metadata writer thread failed (${error.message}); writing on the main thread instead.\n`);
    }
    if (!this.#queue.isEmpty && !this.#closed) this.#dispatchInBackground();
  }

  /** Puts batches (oldest first) back at the head of the queue. */
  #requeue(batches: readonly WriteBatch[]): void {
    for (let i = batches.length - 1; i >= 0; i--) this.#queue.restore(batches[i] as WriteBatch);
  }
}

function writeError(cause: unknown, consequence: string, context: Record<string, unknown>): MetadataWriteError {
  const reason = cause === undefined ? "the database is busy" : cause instanceof Error ? cause.message : String(cause);
  return new MetadataWriteError(`Could not write run metadata to the embedded store: ${reason}. ${consequence}.`, { cause, context });
}
