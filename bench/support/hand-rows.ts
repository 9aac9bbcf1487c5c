// The bookkeeping of bench/distributed.ts's "raw BullMQ + the same rows by hand" case: the
// rows Cairn records for a task run on a BullMQ worker (the run's row and its PENDING,
// RUNNING and final states), written with plain better-sqlite3 statements into Cairn's own
// schema, in the same SQLite file as the Cairn flow, with the same durability (a job
// completes once its rows are committed, committed in groups like Cairn's worker does).
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import Database from "better-sqlite3";

let seq = Date.now() * 1000;
const HOST = hostname();

/** Statements on one connection to a Cairn metadata store (already migrated). */
export class HandRows {
  readonly #db: Database.Database;
  readonly #insertRun: Database.Statement;
  readonly #insertState: Database.Statement;
  readonly #updateRun: Database.Statement;
  readonly #pending: Database.Transaction<(runs: readonly { id: string; i: number }[], flowRunId: string) => void>;
  readonly #finish: Database.Transaction<(runs: readonly { id: string; flowRunId: string; started: string }[]) => void>;

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma("busy_timeout = 5000");
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = NORMAL");
    this.#insertRun = this.#db.prepare(
      `INSERT INTO task_run (id, name, task_key, dynamic_key, flow_run_id, state_type, state_name, state_timestamp,
         run_count, created, owner_host, owner_pid, owner_engine_id, seq)
       VALUES (?, ?, 'trivial', ?, ?, 'PENDING', 'Pending', ?, 0, ?, ?, ?, 'bench', ?)`,
    );
    this.#insertState = this.#db.prepare(
      `INSERT INTO run_state (id, run_id, flow_run_id, task_run_id, type, name, timestamp, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#updateRun = this.#db.prepare(
      `UPDATE task_run SET state_type = 'COMPLETED', state_name = 'Completed', state_timestamp = ?,
         run_count = 1, start_time = ?, end_time = ?, owner_pid = ? WHERE id = ?`,
    );
    this.#pending = this.#db.transaction((runs, flowRunId) => {
      const now = new Date().toISOString();
      for (const run of runs) {
        this.#insertRun.run(run.id, `trivial-${run.i}`, String(run.i), flowRunId, now, now, HOST, process.pid, ++seq);
        this.#insertState.run(randomUUID(), run.id, flowRunId, run.id, "PENDING", "Pending", now, ++seq);
      }
    });
    this.#finish = this.#db.transaction((runs) => {
      const now = new Date().toISOString();
      for (const run of runs) {
        this.#insertState.run(randomUUID(), run.id, run.flowRunId, run.id, "RUNNING", "Running", run.started, ++seq);
        this.#insertState.run(randomUUID(), run.id, run.flowRunId, run.id, "COMPLETED", "Completed", now, ++seq);
        this.#updateRun.run(now, run.started, now, process.pid, run.id);
      }
    });
  }

  /** Records task runs PENDING (the producer, before it enqueues them), in one transaction. */
  pending(runs: readonly { id: string; i: number }[], flowRunId: string): void {
    this.#pending.immediate(runs, flowRunId);
  }

  /** Records runs RUNNING then COMPLETED and updates their rows, in one transaction. */
  finish(runs: readonly { id: string; flowRunId: string; started: string }[]): void {
    this.#finish.immediate(runs);
  }

  close(): void {
    this.#db.close();
  }
}

/**
 * Group commit for a worker, as Cairn's worker does it: a finished run waits for the other
 * running jobs to finish too (at most 1 ms), then one transaction records them all; their
 * jobs complete after that.
 */
export class GroupCommit {
  readonly #rows: HandRows;
  /** Jobs being processed (counted by the worker's processor). */
  running = 0;
  #runs: { id: string; flowRunId: string; started: string }[] = [];
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(rows: HandRows) {
    this.#rows = rows;
  }

  /** Resolves once the run's rows are committed. */
  finished(run: { id: string; flowRunId: string; started: string }): Promise<void> {
    this.#runs.push(run);
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#runs.length >= this.running) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), 1);
    return done;
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const [runs, waiters] = [this.#runs, this.#waiters];
    this.#runs = [];
    this.#waiters = [];
    try {
      this.#rows.finish(runs);
      for (const w of waiters) w.resolve();
    } catch (error) {
      for (const w of waiters) w.reject(error);
    }
  }
}
