// A plain BullMQ worker, the baseline of bench/distributed.ts: it runs the same trivial
// function as the Cairn task, with nothing around it. Given a SQLite file (a Cairn metadata
// store), it also records each job's task run RUNNING and COMPLETED there by hand
// (bench/support/hand-rows.ts), and completes the job once they are committed.
// Usage: raw-bullmq-worker.ts QUEUE PREFIX CONCURRENCY [SQLITE_FILE]
import { Worker } from "bullmq";
import { GroupCommit, HandRows } from "./hand-rows.js";

const [queue, prefix, concurrency, sqliteFile] = process.argv.slice(2);
const rows = sqliteFile === undefined ? undefined : new GroupCommit(new HandRows(sqliteFile));
type Data = { i: number; id?: string; flowRunId?: string };
const worker = new Worker(
  queue!,
  async (job) => {
    const data = job.data as Data;
    if (rows === undefined) return data.i + 1;
    rows.running++;
    try {
      const started = new Date().toISOString();
      const value = data.i + 1;
      await rows.finished({ id: data.id!, flowRunId: data.flowRunId!, started });
      return value;
    } finally {
      rows.running--;
    }
  },
  { connection: { url: "redis://127.0.0.1:6379" }, prefix: prefix!, concurrency: Number(concurrency) },
);
await worker.waitUntilReady();
process.stdout.write("Ready: waiting for jobs\n");
process.on("SIGTERM", () => void worker.close().then(() => process.exit(0)));
