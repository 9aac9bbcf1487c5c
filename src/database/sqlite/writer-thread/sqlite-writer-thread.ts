import { Worker } from "node:worker_threads";
import type { WriteBatch } from "../../service/write-batch.js";
import { batchSize } from "../../service/write-batch.js";
import { encodeBatch, transferList } from "./batch-codec.js";
import { Control, CONTROL_SLOTS, type FromWriter, type ToWriter, type WriterFailure, type WriterThreadData } from "./writer-protocol.js";

/** Options of {@link SqliteWriterThread.start}. */
export interface SqliteWriterThreadOptions {
  /** The database file (migrated already). */
  path: string;
  busyTimeoutMs?: number | undefined;
  /** Called with each failure the worker reports (on the main thread's event loop). */
  onFailure: (failure: WriterFailure) => void;
  /** Called once if the thread dies or cannot start: the caller writes inline again. */
  onExit: (error: Error | undefined) => void;
}

/** A batch posted and not known to be committed. */
interface Posted {
  n: number;
  batch: WriteBatch;
  changes: number;
}

/**
 * The main thread's side of the embedded store's writer thread: posts batches (numbered
 * in order) to a worker that owns its own SQLite connection, and knows, through shared
 * memory, which of them are committed. Everything but {@link SqliteWriterThread.whenCommitted}
 * works without the main thread's event loop, so batches reach the disk while a flow of
 * synchronous tasks keeps the main thread busy, and on process exit.
 *
 * The worker is unref'd (it never keeps the process alive) except while someone awaits a commit.
 *
 * @example
 * ```ts
 * const thread = SqliteWriterThread.start({ path, onFailure, onExit });
 * await thread.ready;
 * const n = thread.post(batch);
 * await thread.whenCommitted(n);
 * ```
 */
export class SqliteWriterThread {
  /** Resolves once the worker has opened the database (rejects if it could not start). */
  readonly ready: Promise<void>;
  readonly #worker: Worker;
  readonly #control: Int32Array;
  #posted = 0;
  /** Posted batches not yet seen committed, oldest first (re-written inline if the worker dies). */
  #unconfirmed: Posted[] = [];
  #uncommittedChanges = 0;
  #waiters: { n: number; resolve: () => void }[] = [];
  /** The last batch whose commit message was handled (failures of earlier batches were handled before it). */
  #confirmed = 0;
  #alive = true;
  #closing = false;

  private constructor(options: SqliteWriterThreadOptions) {
    const control = new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    this.#control = new Int32Array(control);
    const workerData: WriterThreadData = { path: options.path, busyTimeoutMs: options.busyTimeoutMs, control };
    this.#worker = startWorker(workerData);
    this.#worker.unref();
    let onReady!: () => void;
    let onFailedStart!: (error: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onFailedStart = reject;
    });
    this.ready.catch(() => undefined);
    this.#worker.on("message", (message: FromWriter) => {
      if (message.type === "ready") onReady();
      else if (message.type === "committed") {
        this.#confirmed = Math.max(this.#confirmed, message.n);
        this.#settle(false);
      } else if (message.type === "failed") {
        options.onFailure(message.failure);
        this.#settle(true);
      }
    });
    const died = (error: Error | undefined) => {
      if (!this.#alive) return;
      this.#alive = false;
      onFailedStart(error ?? new Error("The metadata writer thread exited."));
      this.#settle(true);
      if (!this.#closing) options.onExit(error);
    };
    this.#worker.on("error", died);
    this.#worker.on("exit", () => died(undefined));
  }

  /** Starts a writer thread on the database at `options.path`. */
  static start(options: SqliteWriterThreadOptions): SqliteWriterThread {
    return new SqliteWriterThread(options);
  }

  /** Whether the worker still runs. */
  get alive(): boolean {
    return this.#alive;
  }

  /** Whether the worker has opened the database and takes batches (checked without the event loop). */
  get isReady(): boolean {
    return this.#alive && Atomics.load(this.#control, Control.READY) === 1;
  }

  /** The last batch whose commit was reported on this thread's event loop (with every failure before it). */
  get confirmed(): number {
    return this.#confirmed;
  }

  /** The number of the last batch committed. */
  get committed(): number {
    return Atomics.load(this.#control, Control.COMMITTED);
  }

  /** The number of the last batch posted. */
  get posted(): number {
    return this.#posted;
  }

  /** Whether the worker is retrying after a transient failure (a locked database...). */
  get retrying(): boolean {
    return Atomics.load(this.#control, Control.RETRYING) !== 0;
  }

  /** Changes posted and not known to be committed. */
  get uncommittedChanges(): number {
    this.#forgetCommitted();
    return this.#uncommittedChanges;
  }

  /** Posts a batch; returns its number. Never blocks. Throws (posting nothing) when the batch cannot be encoded. */
  post(batch: WriteBatch): number {
    const changes = batchSize(batch);
    const encoded = encodeBatch(batch); // throws on a value it cannot encode: then nothing is posted
    const n = this.#posted + 1;
    this.#worker.postMessage({ type: "write", n, batch: encoded } satisfies ToWriter, transferList(encoded));
    this.#posted = n;
    this.#unconfirmed.push({ n, batch, changes });
    this.#uncommittedChanges += changes;
    return n;
  }

  /** Asks a worker that is retrying after a transient failure to try again now (the outcome is reported as usual). */
  retryNow(): void {
    if (this.#alive) this.#worker.postMessage({ type: "retry" } satisfies ToWriter);
  }

  /**
   * Blocks the calling thread until batch `n` is committed, at most `timeoutMs`, and not
   * while the worker is retrying after a transient failure.
   * @returns whether it was committed in time.
   */
  waitSync(n: number, timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const committed = this.committed;
      if (committed >= n) return true;
      const left = deadline - Date.now();
      if (left <= 0 || !this.#alive || this.retrying) return false;
      Atomics.wait(this.#control, Control.COMMITTED, committed, left);
    }
  }

  /**
   * Resolves once batch `n`'s commit is confirmed (and every failure reported before it was
   * handled), or as soon as a failure is reported or the thread dies: check
   * {@link SqliteWriterThread.confirmed}.
   */
  whenCommitted(n: number): Promise<void> {
    if (this.#confirmed >= n || !this.#alive) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push({ n, resolve });
      this.#worker.ref();
    });
  }

  /**
   * The batches posted but not committed when the worker died, oldest first: the caller
   * writes them itself (a batch may have been committed in the instant the worker died, so
   * a state may appear twice; none is lost).
   */
  takeUncommitted(): WriteBatch[] {
    this.#forgetCommitted();
    const batches = this.#unconfirmed.map((p) => p.batch);
    this.#unconfirmed = [];
    this.#uncommittedChanges = 0;
    return batches;
  }

  /**
   * Lets the worker write what it received, then stops it. Resolves when it has exited
   * (after `timeoutMs` it is terminated: what it had not committed is returned).
   */
  async close(timeoutMs: number): Promise<WriteBatch[]> {
    if (!this.#alive) return this.takeUncommitted();
    this.#closing = true;
    const exited = new Promise<void>((resolve) => this.#worker.once("exit", () => resolve()));
    this.#worker.ref();
    this.#worker.postMessage({ type: "close" } satisfies ToWriter);
    const timer = setTimeout(() => void this.#worker.terminate(), timeoutMs);
    await exited;
    clearTimeout(timer);
    return this.takeUncommitted();
  }

  /** Wakes the waiters whose batch is confirmed (all of them on a failure or death). */
  #settle(all: boolean): void {
    this.#forgetCommitted();
    if (this.#waiters.length === 0) return;
    const still: { n: number; resolve: () => void }[] = [];
    for (const waiter of this.#waiters) {
      if (all || waiter.n <= this.#confirmed || !this.#alive) waiter.resolve();
      else still.push(waiter);
    }
    this.#waiters = still;
    if (still.length === 0 && this.#alive) this.#worker.unref();
  }

  #forgetCommitted(): void {
    const committed = this.committed;
    let i = 0;
    while (i < this.#unconfirmed.length && (this.#unconfirmed[i] as Posted).n <= committed) {
      this.#uncommittedChanges -= (this.#unconfirmed[i] as Posted).changes;
      i++;
    }
    if (i > 0) this.#unconfirmed.splice(0, i);
  }
}

/**
 * Starts the worker module next to this one: the compiled `.js` as it is; from the
 * TypeScript sources (tests, benchmarks) through tsx's loader, which a worker does not
 * inherit from its parent.
 */
function startWorker(workerData: WriterThreadData): Worker {
  const here = import.meta.url;
  const extension = here.endsWith(".ts") ? ".ts" : ".js";
  const entry = new URL(`./sqlite-writer-worker${extension}`, here);
  const options = { workerData, execArgv: [] as string[], stdout: false, stderr: false };
  if (extension === ".js") return new Worker(entry, options);
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
