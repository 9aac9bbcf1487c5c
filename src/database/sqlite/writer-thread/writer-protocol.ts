/**
 * What the embedded client's writer thread and the main thread say to each other.
 *
 * Batches go to the worker in a compact encoding (`batch-codec.ts`) whose cells travel in
 * a transferred buffer. Progress comes back through shared memory, so the main thread can check it, or
 * block on it on process exit, without its event loop; failures come back as messages.
 */
import type { EncodedBatch } from "./batch-codec.js";

/** `workerData` of the writer thread. */
export interface WriterThreadData {
  /** The database file (already migrated by the main thread). */
  path: string;
  busyTimeoutMs: number | undefined;
  /** {@link CONTROL_SLOTS} Int32 slots, see {@link Control}. */
  control: SharedArrayBuffer;
}

/** Slots of the shared control array. */
export const Control = {
  /** The number of the last batch committed (batches are numbered 1, 2, ... in posting order). */
  COMMITTED: 0,
  /** The number of the batch the worker is retrying after a transient failure, else 0. */
  RETRYING: 1,
  /** 1 once the worker has opened the database and takes batches. */
  READY: 2,
} as const;
export const CONTROL_SLOTS = 3;

/** Main → worker. */
export type ToWriter =
  | { type: "write"; n: number; batch: EncodedBatch }
  | { type: "retry" }
  | { type: "close" };

/** A write failure, as the worker reports it. */
export interface WriterFailure {
  message: string;
  code: string | undefined;
  /** The batches stay queued in the worker and are retried (the database was locked, the disk full...). */
  retrying: boolean;
  /** Rows the database refused and that were dropped (the rest of their batch was written). */
  refused: number;
  /** The number of the last batch the failure concerns. */
  n: number;
}

/** Worker → main. */
export type FromWriter =
  | { type: "ready" }
  | { type: "committed"; n: number }
  | { type: "failed"; failure: WriterFailure }
  | { type: "fatal"; message: string };
