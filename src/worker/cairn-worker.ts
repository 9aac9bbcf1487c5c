import { hostname } from "node:os";
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { createOrchestrationClient } from "../client/create-client.js";
import { Engine } from "../engine/engine.js";
import { loadSettings, type Settings } from "../settings/index.js";
import { uuid7 } from "../utils/uuid7.js";
import { CacheKeyLock } from "../task-runners/bullmq/cache-key-lock.js";
import { DistributedError, DistributedErrorCode } from "../task-runners/bullmq/distributed-error.js";
import {
  bullmqConnection,
  DEFAULT_REDIS_URL,
  openRedis,
  resolveRedis,
  type RedisConnectionOption,
  type ResolvedRedis,
} from "../task-runners/bullmq/redis-connection.js";
import { CairnRedisKeys } from "../task-runners/bullmq/redis-keys.js";
import { JobProcessor } from "./job-processor.js";
import { TaskCatalog } from "./task-catalog.js";
import { HEARTBEAT_MS, WorkerRegistry } from "./worker-registry.js";

/** Options of {@link CairnWorker.start}. */
export interface CairnWorkerOptions {
  /** Modules that define the tasks (paths relative to `cwd`). */
  modules: readonly string[];
  /** @default process.cwd() */
  cwd?: string;
  /** @default CAIRN_WORKER_QUEUE when set, else the queue of the BullMQTaskRunner the modules define, else "cairn" */
  queue?: string;
  /** Jobs run at once. @default 1 */
  concurrency?: number;
  /** @default CAIRN_WORKER_REDIS_URL when set, else the connection of the BullMQTaskRunner the modules define, else redis://127.0.0.1:6379 */
  redis?: string;
  /** BullMQ's key prefix. @default the modules' runner's, else "bull" */
  prefix?: string;
  /** @default loadSettings() */
  settings?: Settings;
}

/** Where a worker's queue or Redis came from, for its start banner. */
export type WorkerOptionSource = "option" | "setting" | "module" | "default";

/**
 * A Cairn worker: serves one BullMQ queue, running the task runs flows submit with a
 * `BullMQTaskRunner`, with the engine's full semantics, in this process's metadata store
 * (which must be the flows' store). `cairn worker start` runs one until SIGTERM.
 *
 * @example
 * ```ts
 * const worker = await CairnWorker.start({ modules: ["./dist/flows.js"], concurrency: 4 });
 * // ...
 * await worker.stop(30); // no new jobs; running ones get 30 s to finish
 * ```
 */
export class CairnWorker {
  readonly id = uuid7();
  readonly host = hostname();
  readonly queue: string;
  readonly queueSource: WorkerOptionSource;
  readonly redis: ResolvedRedis;
  readonly redisSource: WorkerOptionSource;
  readonly prefix: string;
  readonly concurrency: number;
  readonly catalog: TaskCatalog;
  readonly engine: Engine;
  readonly started = new Date().toISOString();
  #running = 0;
  #finished = 0;
  readonly #worker: Worker;
  readonly #client: Redis;
  readonly #registry: WorkerRegistry;
  readonly #heartbeat: NodeJS.Timeout;
  #stopping: Promise<{ drained: boolean }> | undefined;
  #lastBeat = 0;
  #pendingBeat: NodeJS.Timeout | undefined;

  private constructor(parts: {
    queue: [string, WorkerOptionSource];
    redis: [ResolvedRedis, WorkerOptionSource];
    prefix: string;
    concurrency: number;
    catalog: TaskCatalog;
    engine: Engine;
    client: Redis;
    settings: Settings;
  }) {
    [this.queue, this.queueSource] = parts.queue;
    [this.redis, this.redisSource] = parts.redis;
    this.prefix = parts.prefix;
    this.concurrency = parts.concurrency;
    this.catalog = parts.catalog;
    this.engine = parts.engine;
    this.#client = parts.client;
    const keys = new CairnRedisKeys(this.prefix, this.queue);
    this.#registry = new WorkerRegistry(parts.client, keys);
    const lockMs = Math.round(parts.settings.get("CAIRN_WORKER_LOCK_SECONDS") * 1000);
    const processor = new JobProcessor({
      engine: parts.engine,
      catalog: parts.catalog,
      locks: new CacheKeyLock(parts.client, keys, Math.max(lockMs, 1000)),
      lockMs,
      inlineMaxBytes: parts.settings.get("CAIRN_WORKER_INLINE_MAX_BYTES"),
      jobConnection: () => this.#worker.getBackend().client as unknown as Promise<Redis>,
    });
    this.#worker = new Worker(
      this.queue,
      async (job, token) => {
        this.#running++;
        try {
          return await processor.process(job, token);
        } finally {
          this.#running--;
          this.#finished++;
          this.#beatSoon();
        }
      },
      {
        // No auto-pipelining: holding each command to the end of the tick cost more (CPU and
        // latency) than the writes it saved (docs/distributed.md, Speed).
        connection: bullmqConnection(this.redis, 10_000),
        prefix: this.prefix,
        concurrency: this.concurrency,
        lockDuration: lockMs,
        stalledInterval: lockMs,
        // Cairn decides how many lost attempts a run may have (its retries), not BullMQ.
        maxStalledCount: 1_000_000,
        name: `cairn-${this.host}-${process.pid}`,
        autorun: false,
      },
    );
    this.#worker.on("error", () => undefined);
    this.#heartbeat = setInterval(() => void this.#beat(), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /**
   * Loads the modules, opens the metadata store and Redis, and starts taking jobs.
   * Rejects with a clear error when a module cannot load, two tasks share a key, or
   * Redis or the store cannot be reached.
   */
  static async start(options: CairnWorkerOptions): Promise<CairnWorker> {
    const settings = options.settings ?? loadSettings();
    const cwd = options.cwd ?? process.cwd();
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new DistributedError(DistributedErrorCode.InvalidWorkerOptions, `A worker's concurrency must be an integer of at least 1, got ${String(concurrency)}.`);
    }
    const catalog = await TaskCatalog.load(options.modules, cwd);
    const runner = catalog.runners[0];
    const queue = pick<string>(
      options.queue,
      settings.source("CAIRN_WORKER_QUEUE") === "default" ? undefined : settings.get("CAIRN_WORKER_QUEUE"),
      distinct(catalog.runners.map((r) => r.queueName(settings)), "queues", catalog),
      "cairn",
    );
    const redisOption = pick<RedisConnectionOption>(
      options.redis,
      settings.get("CAIRN_WORKER_REDIS_URL"),
      runner === undefined ? undefined : runner.redisConnection(settings),
      DEFAULT_REDIS_URL,
    );
    const redis: [ResolvedRedis, WorkerOptionSource] = [resolveRedis(redisOption[0]), redisOption[1]];
    const prefix = options.prefix ?? runner?.options.prefix ?? "bull";
    // Inline writes: the worker's main thread waits for each group commit anyway, and handing
    // it to a writer thread cost more (a thread wake-up per commit on a busy machine) than writing.
    const engine = new Engine({
      settings,
      handleSignals: false,
      openClient: (s) => createOrchestrationClient(s, { embeddedWriterThread: false }),
    });
    await engine.client();
    let client: Redis;
    try {
      client = await openRedis(redis[0], { timeoutMs: 5000, purpose: `serve queue '${queue[0]}'` });
    } catch (error) {
      await engine.close();
      throw error;
    }
    const worker = new CairnWorker({ queue, redis, prefix, concurrency, catalog, engine, client, settings });
    await worker.#beat();
    void worker.#worker.run().catch(() => undefined);
    await worker.#worker.waitUntilReady();
    return worker;
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running;
  }

  /** Jobs finished since the start. */
  get finished(): number {
    return this.#finished;
  }

  /**
   * Stops taking jobs and waits up to `graceSeconds` for the running ones. Runs still going
   * then are recorded CRASHED (BullMQ gives their jobs to another worker once their locks
   * expire, which retries them if retries remain); the process should then end, since their
   * code is still running. Resolves to whether every running job finished.
   */
  stop(graceSeconds: number): Promise<{ drained: boolean }> {
    this.#stopping ??= this.#stop(graceSeconds);
    return this.#stopping;
  }

  async #stop(graceSeconds: number): Promise<{ drained: boolean }> {
    clearInterval(this.#heartbeat);
    clearTimeout(this.#pendingBeat);
    let timer: NodeJS.Timeout | undefined;
    const closing = this.#worker.close();
    const drained = await Promise.race([
      closing.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceSeconds * 1000))),
    ]);
    clearTimeout(timer);
    if (!drained) {
      // The jobs stay active in Redis until their lock expires; then another worker takes them
      // over (the process ends: see `cairn worker start`). Their runs are recorded CRASHED now.
      this.engine.crashActiveRuns(
        `The worker on ${this.host} (pid ${process.pid}) was stopped and its grace period of ${graceSeconds} s passed before the run finished.`,
      );
      closing.catch(() => undefined);
    }
    await this.#registry.remove(this.id).catch(() => undefined);
    this.#client.disconnect();
    await this.engine.close();
    return { drained };
  }

  /** Listings follow the counts, with at most one heartbeat a second. */
  #beatSoon(): void {
    if (this.#pendingBeat !== undefined || this.#stopping !== undefined) return;
    const wait = Math.max(0, this.#lastBeat + 1000 - Date.now());
    this.#pendingBeat = setTimeout(() => {
      this.#pendingBeat = undefined;
      void this.#beat();
    }, wait);
    this.#pendingBeat.unref();
  }

  async #beat(): Promise<void> {
    this.#lastBeat = Date.now();
    await this.#registry
      .beat({
        id: this.id, host: this.host, pid: process.pid, queue: this.queue, concurrency: this.concurrency,
        running: this.#running, finished: this.#finished, started: this.started, modules: this.catalog.modules,
      })
      .catch(() => undefined);
  }
}

/** The first value given, and where it came from: option, setting, module, default. */
function pick<T>(option: T | undefined, setting: T | undefined, module: T | undefined, fallback: T): [T, WorkerOptionSource] {
  if (option !== undefined) return [option, "option"];
  if (setting !== undefined) return [setting, "setting"];
  if (module !== undefined) return [module, "module"];
  return [fallback, "default"];
}

/** The one value the modules' runners agree on; several different ones are an error (the worker serves one queue). */
function distinct(values: string[], what: string, catalog: TaskCatalog): string | undefined {
  const set = [...new Set(values)];
  if (set.length <= 1) return set[0];
  throw new DistributedError(
    DistributedErrorCode.InvalidWorkerOptions,
    `The modules ${catalog.modules.join(", ")} define BullMQ task runners on different ${what} (${set.join(", ")}); ` +
      "a worker serves one queue: choose it with --queue.",
  );
}
