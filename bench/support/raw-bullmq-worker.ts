// A plain BullMQ worker, the baseline of bench/distributed.ts: it runs the same trivial
// function as the Cairn task, with nothing around it.
import { Worker } from "bullmq";

const [queue, prefix, concurrency] = process.argv.slice(2);
const worker = new Worker(queue!, async (job) => (job.data as { i: number }).i + 1, {
  connection: { url: "redis://127.0.0.1:6379" },
  prefix: prefix!,
  concurrency: Number(concurrency),
});
await worker.waitUntilReady();
process.stdout.write("Ready: waiting for jobs\n");
process.on("SIGTERM", () => void worker.close().then(() => process.exit(0)));
