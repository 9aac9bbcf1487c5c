import { Command, InvalidArgumentError } from "commander";
import { DistributedError, DistributedErrorCode } from "../../task-runners/bullmq/distributed-error.js";
import { DEFAULT_REDIS_URL, openRedis, resolveRedis } from "../../task-runners/bullmq/redis-connection.js";
import { CairnRedisKeys } from "../../task-runners/bullmq/redis-keys.js";
import { CairnWorker, type WorkerOptionSource } from "../../worker/cairn-worker.js";
import { WorkerRegistry, type WorkerInfo } from "../../worker/worker-registry.js";
import { cliIO, cliSettings, colors, print, renderTable } from "../output.js";

/** Options of {@link workerCommand}, for tests that run the worker in-process. */
export interface WorkerCommandOptions {
  /** Called once the worker takes jobs. */
  onStarted?: (worker: CairnWorker) => void;
}

interface StartOptions {
  module: string[];
  queue?: string;
  concurrency?: number;
  redis?: string;
  prefix?: string;
}

interface LsOptions {
  queue?: string;
  redis?: string;
  prefix?: string;
  json?: boolean;
}

const SOURCES: Record<WorkerOptionSource, string> = {
  option: "from the command line",
  setting: "from settings",
  module: "from the BullMQTaskRunner the modules define",
  default: "default",
};

/**
 * `cairn worker start --module FILE... [--queue Q] [--concurrency N] [--redis URL]` runs
 * the tasks those modules define for flows that use a `BullMQTaskRunner`, until SIGTERM or
 * SIGINT (then it takes no new jobs and gives running ones CAIRN_WORKER_SHUTDOWN_GRACE_SECONDS);
 * `cairn worker ls` lists the live workers.
 *
 * @example
 * ```sh
 * cairn worker start --module ./dist/flows.js --concurrency 4
 * cairn worker ls
 * ```
 */
export function workerCommand(options: WorkerCommandOptions = {}): Command {
  const worker = new Command("worker").description("Run tasks for flows on BullMQ (Redis): start a worker, list workers.");

  worker
    .command("start")
    .description("Run the tasks that the modules define, for flows whose taskRunner is a BullMQTaskRunner, until stopped.")
    .requiredOption("--module <FILE...>", "modules that define the tasks (JavaScript; one or more)")
    .option("--queue <NAME>", "the BullMQ queue (default: CAIRN_WORKER_QUEUE, else the modules' BullMQTaskRunner's, else cairn)")
    .option("--concurrency <N>", "jobs run at once (default: 1)", parseCount)
    .option("--redis <URL>", "Redis (default: CAIRN_WORKER_REDIS_URL, else the modules' BullMQTaskRunner's, else redis://127.0.0.1:6379)")
    .option("--prefix <PREFIX>", "BullMQ's key prefix (default: the modules' BullMQTaskRunner's, else bull)")
    .action(async (opts: StartOptions) => {
      const settings = cliSettings();
      const running = await CairnWorker.start({
        modules: opts.module,
        cwd: cliIO().cwd,
        settings,
        ...(opts.queue === undefined ? {} : { queue: opts.queue }),
        ...(opts.concurrency === undefined ? {} : { concurrency: opts.concurrency }),
        ...(opts.redis === undefined ? {} : { redis: opts.redis }),
        ...(opts.prefix === undefined ? {} : { prefix: opts.prefix }),
      });
      const grace = settings.get("CAIRN_WORKER_SHUTDOWN_GRACE_SECONDS");
      const c = colors();
      print(`${c.green("Cairn worker")} ${running.id} on ${running.host} (pid ${process.pid})`);
      print(`  Queue:        ${c.bold(running.queue)} (${SOURCES[running.queueSource]}), prefix ${running.prefix}`);
      print(`  Redis:        ${running.redis.label} (${SOURCES[running.redisSource]})`);
      print(`  Concurrency:  ${running.concurrency}`);
      const keys = running.catalog.keys();
      print(`  Modules:      ${running.catalog.modules.join(", ")} (${keys.length} task key${keys.length === 1 ? "" : "s"}: ${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", ..." : ""})`);
      print(`  Metadata:     ${settings.get("CAIRN_API_URL") ?? settings.get("CAIRN_API_DATABASE_URL")}`);
      print(`Ready: waiting for jobs. SIGTERM or Ctrl-C stops the worker (running jobs get ${grace} s to finish).`);
      options.onStarted?.(running);
      const signal = await new Promise<string>((resolve) => {
        const stop = (name: string): void => {
          process.off("SIGTERM", stop);
          process.off("SIGINT", stop);
          resolve(name);
        };
        process.on("SIGTERM", stop);
        process.on("SIGINT", stop);
      });
      print(`Received ${signal}: taking no new jobs; ${running.running} running job(s) get up to ${grace} s to finish.`);
      const { drained } = await running.stop(grace);
      if (!drained) {
        throw new DistributedError(
          DistributedErrorCode.NotDrained,
          `The worker stopped with jobs still running after the grace period of ${grace} s: their runs were recorded CRASHED, ` +
            "and BullMQ hands their jobs to another worker (which retries them if retries remain). " +
            "Raise CAIRN_WORKER_SHUTDOWN_GRACE_SECONDS to let long tasks finish.",
        );
      }
      print(`Worker stopped: ${running.finished} job(s) finished.`);
    });

  worker
    .command("ls")
    .description("List live workers: host, pid, queue, concurrency, running and finished jobs, last heartbeat.")
    .option("--queue <NAME>", "only workers of this queue")
    .option("--redis <URL>", "Redis (default: CAIRN_WORKER_REDIS_URL, else redis://127.0.0.1:6379)")
    .option("--prefix <PREFIX>", "BullMQ's key prefix (default: bull)")
    .option("--json", "print JSON")
    .action(async (opts: LsOptions) => {
      const settings = cliSettings();
      const redis = resolveRedis(opts.redis ?? settings.get("CAIRN_WORKER_REDIS_URL") ?? DEFAULT_REDIS_URL);
      const client = await openRedis(redis, { timeoutMs: 5000, purpose: "list workers" });
      let workers: WorkerInfo[];
      try {
        workers = await new WorkerRegistry(client, new CairnRedisKeys(opts.prefix ?? "bull", opts.queue ?? "")).list();
      } finally {
        client.disconnect();
      }
      if (opts.queue !== undefined) workers = workers.filter((w) => w.queue === opts.queue);
      if (opts.json === true) {
        print(JSON.stringify(workers, null, 2));
        return;
      }
      if (workers.length === 0) {
        print(`No live workers on ${redis.label}${opts.queue === undefined ? "" : ` for queue '${opts.queue}'`}. Start one with: cairn worker start --module FILE`);
        return;
      }
      const now = Date.now();
      print(
        renderTable(
          workers.map((w) => [
            w.id, w.host, String(w.pid), w.queue, String(w.concurrency), String(w.running), String(w.finished),
            `${Math.max(0, Math.round((now - Date.parse(w.heartbeat)) / 1000))} s ago`,
          ]),
          {
            header: ["ID", "HOST", "PID", "QUEUE", "CONCURRENCY", "RUNNING", "FINISHED", "LAST HEARTBEAT"],
            align: ["left", "left", "right", "left", "right", "right", "right", "left"],
          },
        ),
      );
    });

  return worker;
}

function parseCount(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${text}" is not a whole number of at least 1.`);
  return n;
}
