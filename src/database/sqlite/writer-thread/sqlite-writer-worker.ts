/**
 * The embedded store's writer thread: owns one SQLite connection and writes the batches
 * the main thread posts, merging whatever has arrived into one `BEGIN IMMEDIATE`
 * transaction. Started by {@link SqliteWriterThread}; see `docs/metadata-store.md`.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import type { DecodedBatch } from "../batch-writer.js";
import { decodeBatch } from "./batch-codec.js";
import { createSqliteDatabase } from "../create-sqlite-database.js";
import { createSqliteKysely } from "../create-sqlite-kysely.js";
import { SqliteMetadataWriter } from "../sqlite-metadata-writer.js";
import { isDataError } from "../write-failure.js";
import { Control, type FromWriter, type ToWriter, type WriterFailure, type WriterThreadData } from "./writer-protocol.js";

/** Delay before writing again after a transient failure (e.g. the file stayed locked). */
const RETRY_DELAY_MS = 250;

const port = parentPort as MessagePort;
const data = workerData as WriterThreadData;
const control = new Int32Array(data.control);
const sqlite = createSqliteDatabase(data.path, data.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: data.busyTimeoutMs });
const writer = new SqliteMetadataWriter(sqlite, createSqliteKysely(sqlite));

/** Batches received and not committed yet, in order, and the number of the last one. */
let pending: DecodedBatch[] = [];
let last = 0;
let retryTimer: NodeJS.Timeout | undefined;
let closing = false;
let retryNow = false;

const send = (message: FromWriter): void => port.postMessage(message);

function receive(message: ToWriter): void {
  if (message.type === "close") {
    closing = true;
    return;
  }
  if (message.type === "retry") {
    retryNow = true;
    return;
  }
  pending.push(decodeBatch(message.batch));
  last = message.n;
}

/** Takes every message already queued on the port, then writes everything received. */
function onMessage(first: ToWriter): void {
  receive(first);
  for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port)) {
    receive(next.message as ToWriter);
  }
  if (retryNow || closing) {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    retryNow = false;
  }
  if (retryTimer === undefined) writePending();
  if (closing && retryTimer === undefined) shutDown();
}

function writePending(): void {
  if (pending.length === 0) return;
  const n = last;
  try {
    writer.writeDecodedSync(pending);
  } catch (err) {
    if (!isDataError(err)) {
      // The database's condition: keep the batches (newer ones are appended) and try again later.
      Atomics.store(control, Control.RETRYING, n);
      Atomics.notify(control, Control.COMMITTED); // wakes a main thread blocked on a commit: none is coming soon
      send({ type: "failed", failure: failure(err, n, true, 0) });
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        writePending();
        if (closing && retryTimer === undefined) shutDown();
      }, RETRY_DELAY_MS);
      return;
    }
    // A bad row: write the others one by one rather than lose the whole burst.
    const refused = writer.writeDecodedEachSync(pending);
    if (refused.count > 0) send({ type: "failed", failure: failure(refused.errors[0], n, false, refused.count) });
  }
  pending = [];
  Atomics.store(control, Control.RETRYING, 0);
  Atomics.store(control, Control.COMMITTED, n);
  Atomics.notify(control, Control.COMMITTED);
  send({ type: "committed", n });
}

function failure(err: unknown, n: number, retrying: boolean, refused: number): WriterFailure {
  return {
    message: err instanceof Error ? err.message : String(err),
    code: (err as { code?: unknown } | null)?.code as string | undefined,
    retrying,
    refused,
    n,
  };
}

function shutDown(): void {
  port.off("message", onMessage);
  sqlite.close();
  port.close();
}

port.on("message", onMessage);
Atomics.store(control, Control.READY, 1);
send({ type: "ready" });
