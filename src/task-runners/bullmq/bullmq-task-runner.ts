import { randomUUID } from "node:crypto";
import { Queue, QueueEvents, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { WritableFileSystem } from "../../blocks/writable-file-system.js";
import { currentEngine } from "../../engine/engine.js";
import type { RemoteTaskRun } from "../../engine/remote-task-spec.js";
import { errorMessage } from "../../engine/run-attempts.js";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { Cancelled, Failed } from "../../states/constructors.js";
import { State } from "../../states/state.js";
import type { Settings } from "../../settings/index.js";
import type { TaskRunner, TaskRunWork } from "../task-runner.js";
import { DistributedError, DistributedErrorCode } from "./distributed-error.js";
import { decodeOutcome } from "./job-outcome.js";
import { encodeArguments, JOB_FORMAT_VERSION, type CairnJobData, type CairnJobOutcome, type CairnJobReturn } from "./job-payload.js";
import { bullmqConnection, DEFAULT_REDIS_URL, openRedis, redisUnreachable, resolveRedis, type RedisConnectionOption, type ResolvedRedis } from "./redis-connection.js";
import { CairnRedisKeys } from "./redis-keys.js";
import { removeProbe, writeProbe, type StorageProbe } from "./storage-probe.js";
import { ValueTransport, type WireValue } from "./value-transport.js";

/** Options of {@link BullMQTaskRunner}. */
export interface BullMQTaskRunnerOptions {
  /**
   * Where Redis is: a `redis://` or `rediss://` URL, or ioredis options.
   * @default CAIRN_WORKER_REDIS_URL, else "redis://127.0.0.1:6379"
   */
  connection?: RedisConnectionOption;
  /** The BullMQ queue the jobs go to (workers serve one queue). @default CAIRN_WORKER_QUEUE, else "cairn" */
  queue?: string;
  /** BullMQ's key prefix in Redis. @default "bull" */
  prefix?: string;
  /** How long to wait for Redis before submitted task runs fail. @default 5 */
  connectTimeoutSeconds?: number;
}

/** Jobs added to Redis in one call at most. */
const ADD_CHUNK = 500;
/** How long the connections stay open once no job is in flight (a flow submitting in steps reuses them). */
const IDLE_CLOSE_MS = 100;

interface Connection {
  readonly redis: Redis;
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly keys: CairnRedisKeys;
  readonly resolved: ResolvedRedis;
  readonly inlineMaxBytes: number;
  readonly timeoutMs: number;
}

/** One task run on its way through a job. */
interface Entry {
  readonly jobId: string;
  readonly name: string;
  readonly remote: RemoteTaskRun<unknown>;
  readonly transport: ValueTransport;
  readonly storageBlockId: string;
  /** Loads other storages by block id, through the flow's engine. */
  readonly storageById: (id: string) => Promise<WritableFileSystem>;
  readonly transientArgs: readonly WireValue[];
  readonly resolve: (state: State<unknown>) => void;
  unsubscribe: () => void;
  /** The job is in Redis. */
  added: boolean;
  done: boolean;
}

/**
 * Runs submitted task runs on BullMQ workers (`cairn worker start`) over Redis: `submit`
 * and `map` inside a flow enqueue one job per task run; direct calls still run in the
 * flow's process. Futures, `wait()`, `result()` and futures passed as arguments work as
 * with the concurrent runner. BullMQ does the queueing, delivery and stalled-job recovery;
 * the workers record the runs' states in the flow's metadata store and write results to
 * the flow's result storage. Values up to `CAIRN_WORKER_INLINE_MAX_BYTES` travel in the
 * job, larger ones (and persisted results) as references through result storage.
 *
 * Connections open on the first submit and close when no job is in flight, so a script
 * ends when its flows have ended.
 *
 * @example
 * ```ts
 * import { flow, task } from "cairn";
 * import { BullMQTaskRunner } from "cairn/bullmq";
 * export const square = task((n: number) => n * n);
 * export const squares = flow({ taskRunner: new BullMQTaskRunner({ connection: "redis://127.0.0.1:6379" }) },
 *   async (ns: number[]) => Promise.all(square.map(ns).map((f) => f.result())));
 * ```
 */
export class BullMQTaskRunner implements TaskRunner {
  readonly name = "bullmq";
  /** The options given (defaults are applied when the runner first connects). */
  readonly options: Readonly<BullMQTaskRunnerOptions>;
  #connection: Promise<Connection> | undefined;
  readonly #jobs = new Map<string, Entry>();
  #batch: { entry: Entry; job: { name: string; data: CairnJobData; opts: JobsOptions } }[] = [];
  #flushScheduled = false;
  #preparing = 0;
  readonly #probes = new Map<string, { storage: WritableFileSystem; probe: Promise<StorageProbe> }>();
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(options: BullMQTaskRunnerOptions = {}) {
    if (options.connection !== undefined) resolveRedis(options.connection); // checks a URL now
    if (options.queue !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(options.queue)) {
      throw new ConfigurationError(`BullMQTaskRunner queue ${JSON.stringify(options.queue)} is not a queue name: use letters, digits, '_', '.' and '-' (no ':').`);
    }
    if (options.connectTimeoutSeconds !== undefined && !(options.connectTimeoutSeconds > 0)) {
      throw new ConfigurationError(`BullMQTaskRunner connectTimeoutSeconds must be greater than 0, got ${String(options.connectTimeoutSeconds)}.`);
    }
    this.options = { ...options };
  }

  /** The queue jobs go to, given the settings in effect. */
  queueName(settings: Settings): string {
    return this.options.queue ?? settings.get("CAIRN_WORKER_QUEUE");
  }

  /** The Redis jobs go to, given the settings in effect. */
  redisConnection(settings: Settings): RedisConnectionOption {
    return this.options.connection ?? settings.get("CAIRN_WORKER_REDIS_URL") ?? DEFAULT_REDIS_URL;
  }

  submit<T>(work: TaskRunWork<T>): Promise<State<T>> {
    const remote = work.remote;
    if (remote === undefined) return work.run();
    clearTimeout(this.#idleTimer);
    this.#preparing++;
    const engine = currentEngine();
    return this.#start(remote as RemoteTaskRun<unknown>, engine.settings, (id) => engine.results.storageById(id)) as Promise<State<T>>;
  }

  /** Closes the connections now (they reopen on the next submit). Task runs in flight keep waiting. */
  async close(): Promise<void> {
    clearTimeout(this.#idleTimer);
    const connection = this.#connection;
    this.#connection = undefined;
    const probes = [...this.#probes.values()];
    this.#probes.clear();
    await Promise.all(probes.map(async ({ storage, probe }) => removeProbe(storage, await probe).catch(() => undefined)));
    if (connection === undefined) return;
    const c = await connection.catch(() => undefined);
    if (c === undefined) return;
    await c.events.close().catch(() => undefined);
    await c.queue.close().catch(() => undefined);
    c.redis.disconnect();
  }

  async #start(
    remote: RemoteTaskRun<unknown>,
    settings: Settings,
    storageById: (id: string) => Promise<WritableFileSystem>,
  ): Promise<State<unknown>> {
    let preparing = true;
    const done = (): void => {
      if (preparing) this.#preparing--;
      preparing = false;
      this.#maybeIdle();
    };
    try {
      const described = await remote.describe();
      if (described instanceof State) return described;
      const { spec, storage, serializer } = described;
      const subject = `task run '${spec.taskRun.name}'`;
      let connection: Connection;
      try {
        connection = await this.#connect(settings);
      } catch (error) {
        return remote.settle(Failed({ message: errorMessage(error), error }), { record: true });
      }
      const transport = new ValueTransport(storage, serializer, connection.inlineMaxBytes);
      let encoded: Awaited<ReturnType<typeof encodeArguments>>;
      let probe: StorageProbe;
      try {
        probe = await this.#probe(storage, spec.result.storageBlockId);
        encoded = await encodeArguments(described.args, transport, spec.result.storageBlockId, subject);
      } catch (error) {
        return remote.settle(Failed({ message: errorMessage(error), error }), { record: true });
      }
      const jobId = randomUUID();
      const data: CairnJobData = { cairn: JOB_FORMAT_VERSION, spec, args: encoded.args, probe };
      return await new Promise<State<unknown>>((resolve) => {
        const entry: Entry = {
          jobId, name: spec.taskRun.name, remote, transport, storageBlockId: spec.result.storageBlockId, storageById,
          transientArgs: encoded.transient, resolve, unsubscribe: () => undefined, added: false, done: false,
        };
        this.#jobs.set(jobId, entry);
        entry.unsubscribe = remote.onAbandoned((reason) => void this.#drop(entry, reason));
        this.#batch.push({
          entry,
          job: {
            name: spec.taskRun.taskName,
            data,
            opts: { jobId, attempts: 1, removeOnComplete: true, removeOnFail: { age: 24 * 3600, count: 1000 } },
          },
        });
        done();
        if (!this.#flushScheduled) {
          this.#flushScheduled = true;
          setImmediate(() => void this.#flushBatch(connection));
        }
      });
    } finally {
      done();
    }
  }

  /** Makes the batch's PENDING states durable, then adds its jobs (in chunks). */
  async #flushBatch(connection: Connection): Promise<void> {
    this.#flushScheduled = false;
    const batch = this.#batch.filter((b) => !b.entry.done);
    this.#batch = [];
    try {
      await Promise.all([...new Set(batch.map((b) => b.entry.remote.store))].map((store) => store.flush()));
    } catch (error) {
      for (const { entry } of batch) void this.#settle(entry, Failed({ message: errorMessage(error), error }), { record: true });
      return;
    }
    for (let i = 0; i < batch.length; i += ADD_CHUNK) {
      const chunk = batch.slice(i, i + ADD_CHUNK).filter((b) => !b.entry.done);
      if (chunk.length === 0) continue;
      try {
        await withTimeout(connection.queue.addBulk(chunk.map((b) => b.job)), connection.timeoutMs);
        for (const { entry } of chunk) entry.added = true;
      } catch (error) {
        const failure = redisUnreachable(connection.resolved, `add jobs to queue '${connection.queue.name}'`, error);
        for (const { entry } of chunk) void this.#settle(entry, Failed({ message: failure.message, error: failure }), { record: true });
      }
    }
  }

  /** The flow attempt failed or timed out: a job that has not started is removed and its run CANCELLED. */
  async #drop(entry: Entry, reason: string): Promise<void> {
    if (entry.done) return;
    const cancel = (): Promise<void> => {
      const error = new DistributedError(
        DistributedErrorCode.JobDropped,
        `The flow run ended before task run '${entry.name}' started (${reason}), so its queued job was removed.`,
      );
      return this.#settle(entry, Cancelled({ message: error.message }), { record: true });
    };
    if (!entry.added) return cancel();
    const connection = await this.#connection?.catch(() => undefined);
    if (connection === undefined) return;
    // A job a worker holds is locked: remove() leaves it (it finishes normally).
    const removed = await connection.queue.remove(entry.jobId).catch(() => 0);
    if (removed === 1) await cancel();
  }

  async #onCompleted(connection: Connection, jobId: string, returnvalue: unknown): Promise<void> {
    const entry = this.#jobs.get(jobId);
    if (entry === undefined || entry.done) return;
    let state: State<unknown>;
    let runCount: number | undefined;
    try {
      const back = returnvalue as CairnJobReturn;
      let outcome: CairnJobOutcome;
      if ("outcome" in back) outcome = back.outcome;
      else {
        const text = await connection.redis.getdel(back.outcomeKey);
        if (text === null) throw new Error(`its outcome (Redis key ${back.outcomeKey}) is gone`);
        outcome = JSON.parse(text) as CairnJobOutcome;
      }
      runCount = outcome.runCount;
      state = await decodeOutcome(outcome, entry.transport, entry.storageById, entry.storageBlockId);
    } catch (error) {
      const message = `Task run '${entry.name}' ran on a worker, but its outcome could not be read back: ${errorMessage(error)}`;
      state = Failed({ message, error: new DistributedError(DistributedErrorCode.JobFailed, message, { cause: error }) });
    }
    await this.#settle(entry, state, runCount === undefined ? {} : { runCount });
  }

  async #onFailed(jobId: string, failedReason: string): Promise<void> {
    const entry = this.#jobs.get(jobId);
    if (entry === undefined || entry.done) return;
    const error = new DistributedError(
      DistributedErrorCode.JobFailed,
      `The BullMQ job of task run '${entry.name}' failed outside the task: ${failedReason}. ` +
        "See the worker's output (`cairn worker ls` lists the workers of the queue).",
    );
    await this.#settle(entry, Failed({ message: error.message, error }), { record: true });
  }

  async #settle(entry: Entry, state: State<unknown>, options: { record?: boolean; runCount?: number }): Promise<void> {
    if (entry.done) return;
    entry.done = true;
    this.#jobs.delete(entry.jobId);
    entry.unsubscribe();
    await Promise.all(entry.transientArgs.map((wire) => entry.transport.remove(wire).catch(() => undefined)));
    entry.resolve(entry.remote.settle(state, options));
    this.#maybeIdle();
  }

  #maybeIdle(): void {
    if (this.#jobs.size > 0 || this.#preparing > 0 || this.#connection === undefined) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      if (this.#jobs.size === 0 && this.#preparing === 0) void this.close();
    }, IDLE_CLOSE_MS);
  }

  #probe(storage: WritableFileSystem, blockId: string): Promise<StorageProbe> {
    let known = this.#probes.get(blockId);
    if (known === undefined) {
      known = { storage, probe: writeProbe(storage) };
      this.#probes.set(blockId, known);
      known.probe.catch(() => this.#probes.delete(blockId));
    }
    return known.probe;
  }

  #connect(settings: Settings): Promise<Connection> {
    this.#connection ??= this.#open(settings);
    const opening = this.#connection;
    opening.catch(() => {
      if (this.#connection === opening) this.#connection = undefined;
    });
    return opening;
  }

  async #open(settings: Settings): Promise<Connection> {
    const resolved = resolveRedis(this.redisConnection(settings));
    const queueName = this.queueName(settings);
    const prefix = this.options.prefix ?? "bull";
    const timeoutMs = (this.options.connectTimeoutSeconds ?? 5) * 1000;
    const redis = await openRedis(resolved, { timeoutMs, purpose: `submit task runs to queue '${queueName}'` });
    try {
      // Events from a second before now on: none of this runner's jobs can be missed.
      const [seconds, micros] = await redis.time();
      const lastEventId = `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1000}-0`;
      const connection = bullmqConnection(resolved, timeoutMs);
      const queue = new Queue(queueName, { connection, prefix });
      const events = new QueueEvents(queueName, { connection, prefix, lastEventId });
      const c: Connection = {
        redis, queue, events, keys: new CairnRedisKeys(prefix, queueName), resolved,
        inlineMaxBytes: settings.get("CAIRN_WORKER_INLINE_MAX_BYTES"), timeoutMs,
      };
      queue.on("error", () => undefined);
      events.on("error", () => undefined);
      events.on("completed", ({ jobId, returnvalue }) => void this.#onCompleted(c, jobId, returnvalue));
      events.on("failed", ({ jobId, failedReason }) => void this.#onFailed(jobId, failedReason));
      await withTimeout(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), timeoutMs).catch(async (error: unknown) => {
        await events.close().catch(() => undefined);
        await queue.close().catch(() => undefined);
        throw redisUnreachable(resolved, `submit task runs to queue '${queueName}'`, error);
      });
      return c;
    } catch (error) {
      redis.disconnect();
      throw error;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
