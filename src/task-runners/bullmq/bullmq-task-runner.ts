import { randomUUID } from "node:crypto";
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { WritableFileSystem } from "../../blocks/writable-file-system.js";
import { currentEngine } from "../../engine/engine.js";
import type { RemoteTaskRun } from "../../engine/remote-task-spec.js";
import { errorMessage } from "../../engine/run-attempts.js";
import { storedState } from "../../engine/run-remote-task.js";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { FINAL_STATE_TYPES } from "../../records/index.js";
import { Cancelled, Failed } from "../../states/constructors.js";
import { State } from "../../states/state.js";
import type { Settings } from "../../settings/index.js";
import type { TaskRunner, TaskRunWork } from "../task-runner.js";
import { DistributedError, DistributedErrorCode } from "./distributed-error.js";
import { decodeOutcome } from "./job-outcome.js";
import { encodeArguments, JOB_FORMAT_VERSION, type CairnJobData, type CairnJobOutcome, type CairnJobReply } from "./job-payload.js";
import { findLostJobs } from "./lost-jobs.js";
import { bullmqConnection, DEFAULT_REDIS_URL, openRedis, redisUnreachable, resolveRedis, type RedisConnectionOption, type ResolvedRedis } from "./redis-connection.js";
import { CairnRedisKeys } from "./redis-keys.js";
import { ReplyReader } from "./reply-reader.js";
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
/** How often the jobs in flight are checked for ones that will bring no reply (failed by BullMQ, or gone). */
const WATCH_INTERVAL_MS = 5000;
/** Job ids checked in one script run. */
const WATCH_CHUNK = 1000;
/** The BullMQ states of a job no worker has taken yet. */
const QUEUED_JOB_STATES: ReadonlySet<string> = new Set(["waiting", "delayed", "prioritized", "waiting-children"]);

interface Connection {
  readonly redis: Redis;
  readonly queue: Queue;
  readonly replies: ReplyReader;
  readonly watch: NodeJS.Timeout;
  readonly keys: CairnRedisKeys;
  readonly resolved: ResolvedRedis;
  readonly inlineMaxBytes: number;
  readonly timeoutMs: number;
}

/** One task run on its way through a job. */
interface Entry {
  readonly jobId: string;
  readonly taskRunId: string;
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
  /** Its worker's reply came (it is being read back): no check may fail the run any more. */
  replied: boolean;
  /** A check found the job failed or gone with no reply yet: the next check settles it. */
  suspect: boolean;
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
 * Each job names this runner's reply list; the worker pushes the run's outcome there before
 * it completes the job, so the flow reads only its own outcomes (BullMQ's events stream,
 * which carries every event of every job, is not read). A check every few seconds fails
 * runs whose job BullMQ failed, or that vanished, without a reply.
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
  /** Names the reply list: the same across reconnections, so replies to jobs in flight are never orphaned. */
  readonly #id = randomUUID();
  #connection: Promise<Connection> | undefined;
  #watching = false;
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

  /**
   * Closes the connections now (they reopen on the next submit). Task runs still in flight
   * can no longer hear from their workers, so they end at once: a run whose job no worker
   * has taken is CANCELLED and its job removed; a run a worker holds fails in the flow (the
   * worker still records how it ends). Close a runner after the flows that use it.
   */
  async close(): Promise<void> {
    clearTimeout(this.#idleTimer);
    const connection = this.#connection;
    this.#connection = undefined;
    const c = await connection?.catch(() => undefined);
    await Promise.all([...this.#jobs.values()].map((entry) => this.#abandon(entry, c)));
    const probes = [...this.#probes.values()];
    this.#probes.clear();
    await Promise.all(probes.map(async ({ storage, probe }) => {
      try {
        await removeProbe(storage, await probe);
      } catch {
        // A probe that cannot be removed is left behind (a few bytes): closing goes on.
      }
    }));
    if (c === undefined) return;
    clearInterval(c.watch);
    await c.replies.close().catch(() => undefined);
    await c.queue.close().catch(() => undefined);
    c.redis.disconnect();
  }

  /** The runner closes with this run in flight: remove its job if no worker has it, and end the run. */
  async #abandon(entry: Entry, connection: Connection | undefined): Promise<void> {
    if (entry.done) return;
    const removed = entry.added && connection !== undefined && (await this.#takeBack(entry, connection));
    if (entry.done) return; // its reply came meanwhile
    const closed = `The BullMQ task runner was closed while task run '${entry.name}' was in flight, so the flow can no longer receive its outcome`;
    const advice = "Close the runner only after the flows that use it have finished.";
    if (!entry.added || removed) {
      await this.#settle(entry, Cancelled({ message: `${closed}; its queued job was removed. ${advice}` }), { record: true });
      return;
    }
    const error = new DistributedError(
      DistributedErrorCode.JobFailed,
      `${closed} (its job was no longer waiting to be taken, or Redis did not answer: a worker that holds it still records how the run ends). ${advice}`,
    );
    await this.#settle(entry, Failed({ message: error.message, error }), {});
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
      const data: CairnJobData = { cairn: JOB_FORMAT_VERSION, spec, args: encoded.args, probe, reply: connection.replies.key };
      return await new Promise<State<unknown>>((resolve) => {
        const entry: Entry = {
          jobId, taskRunId: spec.taskRun.id, name: spec.taskRun.name, remote, transport, storageBlockId: spec.result.storageBlockId, storageById,
          transientArgs: encoded.transient, resolve, unsubscribe: () => undefined, added: false, done: false, replied: false, suspect: false,
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
      const adding = connection.queue.addBulk(chunk.map((b) => b.job));
      try {
        await withTimeout(adding, connection.timeoutMs);
        for (const { entry } of chunk) entry.added = true;
        // Runs ended while their jobs were being added (their flow failed meanwhile): take the jobs back.
        for (const { entry } of chunk) if (entry.done) void connection.queue.remove(entry.jobId).catch(() => undefined);
      } catch (error) {
        const failure = redisUnreachable(connection.resolved, `add jobs to queue '${connection.queue.name}'`, error);
        for (const { entry } of chunk) void this.#settle(entry, Failed({ message: failure.message, error: failure }), { record: true });
        // Redis may still take the jobs once it answers again: they belong to runs that ended FAILED, so they go.
        void adding.then(
          () => Promise.all(chunk.map(({ entry }) => connection.queue.remove(entry.jobId).catch(() => undefined))),
          () => undefined,
        );
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
    if (connection !== undefined && (await this.#takeBack(entry, connection))) await cancel();
  }

  /**
   * Removes the run's job if no worker has taken it (waiting, delayed); true when it did. A job
   * BullMQ failed keeps its reason (the watch settles the run with it), and one whose worker died
   * is BullMQ's to hand over (its run has started). A job a worker takes meanwhile is locked:
   * `remove()` leaves it, and it finishes normally.
   */
  async #takeBack(entry: Entry, connection: Connection): Promise<boolean> {
    const jobState = await connection.queue.getJobState(entry.jobId).catch(() => "unknown");
    if (!QUEUED_JOB_STATES.has(jobState)) return false;
    return (await connection.queue.remove(entry.jobId).catch(() => 0)) === 1;
  }

  #onReplies(replies: readonly CairnJobReply[]): void {
    for (const reply of replies) {
      if ("outcome" in reply) void this.#onOutcome(reply.job, reply.outcome);
      else if ("failed" in reply) void this.#onFailed(reply.job, reply.failed);
    }
  }

  async #onOutcome(jobId: string, outcome: CairnJobOutcome): Promise<void> {
    const entry = this.#jobs.get(jobId);
    if (entry === undefined || entry.done) return;
    // Reading a large value back can take longer than two checks: the job is gone from Redis by then.
    entry.replied = true;
    let state: State<unknown>;
    let runCount: number | undefined;
    try {
      if (outcome?.cairn !== JOB_FORMAT_VERSION) throw new Error(`it is not an outcome of format ${JOB_FORMAT_VERSION} (a worker of another Cairn version)`);
      runCount = outcome.runCount;
      state = await decodeOutcome(outcome, entry.transport, entry.storageById, entry.storageBlockId, `Task run '${entry.name}'`);
    } catch (error) {
      const message = `Task run '${entry.name}' ran on a worker, but its outcome could not be read back: ${errorMessage(error)}`;
      state = Failed({ message, error: new DistributedError(DistributedErrorCode.JobFailed, message, { cause: error }) });
    }
    await this.#settle(entry, state, runCount === undefined ? {} : { runCount });
  }

  /**
   * Settles the runs whose job will bring no reply: failed by BullMQ, or gone from Redis.
   * A job is settled on the second check that finds it so (its reply may be on its way).
   */
  async #watch(connection: Connection): Promise<void> {
    if (this.#watching) return;
    this.#watching = true;
    try {
      const ids = [...this.#jobs.values()].filter((e) => e.added && !e.done && !e.replied).map((e) => e.jobId);
      for (let i = 0; i < ids.length; i += WATCH_CHUNK) {
        for (const { jobId, failedReason } of await findLostJobs(connection.redis, connection.keys, ids.slice(i, i + WATCH_CHUNK))) {
          const entry = this.#jobs.get(jobId);
          if (entry === undefined || entry.done || entry.replied) continue;
          if (!entry.suspect) {
            entry.suspect = true;
            continue;
          }
          // Its worker may have recorded how the run ended, and only the reply was lost: that state stands.
          const recorded = await this.#recordedFinal(entry);
          if (recorded !== undefined) await this.#settle(entry, recorded, {});
          else if (failedReason !== undefined) await this.#onFailed(jobId, failedReason);
          else {
            await this.#onFailed(
              jobId,
              "the job is gone from Redis without a reply (removed, or its queue was cleared or obliterated)",
              "Keep the queue to Cairn alone (nothing else removing its jobs) and Redis's data kept across restarts; " +
                "running the flow again runs the task run again.",
            );
          }
        }
      }
    } catch {
      // Redis does not answer: the next check tries again.
    } finally {
      this.#watching = false;
    }
  }

  /** The run's final state as the metadata store holds it (recorded by a worker), if it has one. */
  async #recordedFinal(entry: Entry): Promise<State<unknown> | undefined> {
    try {
      const row = await entry.remote.store.readTaskRun(entry.taskRunId);
      if (row === undefined || !FINAL_STATE_TYPES.has(row.stateType)) return undefined;
      return await storedState(
        row,
        entry.storageById,
        `Task run '${entry.name}' ended on a worker (${row.stateType}), but the worker's reply to the flow was lost ` +
          "and its return value was not persisted, so nothing holds it now. Persist the task's results " +
          "(persistResult: true) to keep them through such failures.",
      );
    } catch {
      return undefined; // the store cannot tell: the job's fate decides
    }
  }

  async #onFailed(
    jobId: string,
    failedReason: string,
    advice = "See the worker's output (`cairn worker ls` lists the workers of the queue).",
  ): Promise<void> {
    const entry = this.#jobs.get(jobId);
    if (entry === undefined || entry.done) return;
    const error = new DistributedError(
      DistributedErrorCode.JobFailed,
      `The BullMQ job of task run '${entry.name}' failed outside the task: ${failedReason}. ${advice}`,
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
      const keys = new CairnRedisKeys(prefix, queueName);
      const queue = new Queue(queueName, { connection: bullmqConnection(resolved, timeoutMs), prefix });
      queue.on("error", () => undefined);
      let replies: ReplyReader;
      try {
        const reading = await openRedis(resolved, { timeoutMs, purpose: `read the outcomes of queue '${queueName}'` });
        replies = new ReplyReader(reading, keys.replies(this.#id), (r) => this.#onReplies(r));
        await withTimeout(queue.waitUntilReady(), timeoutMs).catch(async (error: unknown) => {
          await replies.close();
          throw redisUnreachable(resolved, `submit task runs to queue '${queueName}'`, error);
        });
      } catch (error) {
        await queue.close().catch(() => undefined);
        throw error;
      }
      const c: Connection = {
        redis, queue, replies, keys, resolved, timeoutMs,
        inlineMaxBytes: settings.get("CAIRN_WORKER_INLINE_MAX_BYTES"),
        watch: setInterval(() => void this.#watch(c), WATCH_INTERVAL_MS).unref(),
      };
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
