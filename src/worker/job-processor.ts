import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import type { Engine } from "../engine/engine.js";
import { errorMessage } from "../engine/run-attempts.js";
import { recordRemoteTaskRunState, runRemoteTaskRun } from "../engine/run-remote-task.js";
import { resolveSerializer, type Serializer, type SerializerConfig } from "../serializers/index.js";
import { Failed } from "../states/constructors.js";
import type { CacheKeyLock } from "../task-runners/bullmq/cache-key-lock.js";
import { DistributedError, DistributedErrorCode } from "../task-runners/bullmq/distributed-error.js";
import { encodeOutcome } from "../task-runners/bullmq/job-outcome.js";
import { decodeArguments, JOB_FORMAT_VERSION, type CairnJobData, type CairnJobOutcome, type CairnJobReturn } from "../task-runners/bullmq/job-payload.js";
import { checkProbe } from "../task-runners/bullmq/storage-probe.js";
import { ValueTransport } from "../task-runners/bullmq/value-transport.js";
import { ReplySender } from "./reply-sender.js";
import type { TaskCatalog } from "./task-catalog.js";

/** How far the wall clock may lag the monotonic one before we count it as set back. */
const CLOCK_SLACK_MS = 20;

/** How many storage probes a worker remembers as checked (each flow run's runner writes its own). */
const PROBES_KEPT = 1000;

/** How long a finished run waits for the other running jobs to share its metadata flush. */
const FLUSH_WINDOW_MS = 1;

interface FlushGroup {
  size: number;
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** This worker no longer holds the job (another worker took it over): it neither records nor replies. */
class JobTakenOver extends Error {}

function flushGroup(): FlushGroup {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { size: 0, done, resolve, reject };
}

/** What {@link JobProcessor} works with. */
export interface JobProcessorParts {
  readonly engine: Engine;
  readonly catalog: TaskCatalog;
  readonly locks: CacheKeyLock;
  readonly lockMs: number;
  readonly inlineMaxBytes: number;
  /** The connection BullMQ completes jobs with (replies go out on it, ahead of the completion). */
  readonly jobConnection: () => Promise<Redis>;
}

/**
 * Runs one BullMQ job: one task run of a flow elsewhere, with the engine's full semantics
 * (`runRemoteTaskRun`), and pushes its outcome to the flow's reply list before the job
 * completes. A run that cannot start here (its storage is not shared, its task is unknown,
 * its arguments cannot be read) is recorded FAILED with the reason; the job itself only
 * fails when this process cannot record or hand back anything (the flow is told why).
 *
 * @example
 * ```ts
 * const processor = new JobProcessor(parts);
 * new Worker(queue, (job, token) => processor.process(job, token), { connection });
 * ```
 */
export class JobProcessor {
  readonly #parts: JobProcessorParts;
  readonly #serializers = new Map<string, Serializer>();
  readonly #probed = new Set<string>();
  readonly #replies: ReplySender;
  /** Jobs in {@link JobProcessor.process} now. */
  #running = 0;
  /** The runs waiting for the next flush. */
  #group: FlushGroup | undefined;
  #flushing = false;
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(parts: JobProcessorParts) {
    this.#parts = parts;
    this.#replies = new ReplySender(parts.jobConnection);
  }

  async process(job: Job, token: string | undefined): Promise<CairnJobReturn> {
    const jobId = String(job.id);
    const reply = (job.data as Partial<CairnJobData> | undefined)?.reply;
    let outcome: CairnJobOutcome;
    this.#running++;
    try {
      outcome = await this.#process(job, token);
    } catch (error) {
      // Failed outside the task: the flow hears why (BullMQ fails the job with the same reason).
      if (!(error instanceof JobTakenOver) && typeof reply === "string") {
        await this.#replies.send(reply, { job: jobId, failed: errorMessage(error) }).catch(() => undefined);
      }
      throw error;
    } finally {
      this.#running--;
      this.#maybeFlush();
    }
    await this.#replies.send(reply!, { job: jobId, outcome });
    return { replied: true };
  }

  async #process(job: Job, token: string | undefined): Promise<CairnJobOutcome> {
    const { engine } = this.#parts;
    const startedAt = { wall: Date.now(), monotonic: performance.now() };
    const data = job.data as CairnJobData;
    if (data?.cairn !== JOB_FORMAT_VERSION || typeof data.spec?.taskRun?.id !== "string" || typeof data.reply !== "string") {
      throw new Error(
        `Job ${job.id ?? "?"} is not a Cairn job of format ${JOB_FORMAT_VERSION} (a job from another producer on this queue, ` +
          "or from a newer Cairn): use a queue of its own for Cairn, and the same Cairn version on flows and workers.",
      );
    }
    const spec = data.spec;
    const subject = `Task run '${spec.taskRun.name}'`;
    if (token !== undefined && !this.#lockSurelyHeld(job, startedAt) && (await job.extendLock(token, this.#parts.lockMs)) !== 1) {
      // Taken, then frozen (or kept waiting) past the lock: another worker has the run now.
      throw new JobTakenOver(`${subject}: this worker lost the job's lock before it began (another worker took it over); it does not run it.`);
    }
    return engine.run(async () => {
      let transport: ValueTransport | undefined;
      let outcome: CairnJobOutcome | undefined;
      let started = false;
      try {
        const storage = await this.#storage(spec.result.storageBlockId, subject);
        await this.#checkProbe(storage, data, subject);
        const definition = this.#parts.catalog.find(spec.taskRun.taskKey, spec.taskRun.originKey);
        const serializer = this.#serializer(spec.result.serializer);
        const t = new ValueTransport(storage, serializer, this.#parts.inlineMaxBytes);
        transport = t;
        const args = await decodeArguments(data.args, t, (id) => engine.results.storageById(id));
        started = true;
        const ran = await runRemoteTaskRun(engine, definition, spec, args, {
          storage,
          serializer,
          lostAttempts: job.stalledCounter ?? 0,
          claimCacheKey: (key) => this.#parts.locks.claim(key),
          flush: () => this.#flush(),
          finalize: async (state) => {
            // Still this worker's job? (A worker frozen past its lock lost it to another.)
            if (token !== undefined && !this.#lockSurelyHeld(job, startedAt) && (await job.extendLock(token, this.#parts.lockMs)) !== 1) {
              return undefined;
            }
            const encoded = await encodeOutcome(state, 0, t, subject);
            outcome = encoded.outcome;
            return encoded.state;
          },
        });
        if (!ran.recorded) {
          throw new JobTakenOver(`${subject}: this worker lost the job's lock (another worker took it over); its attempt is not recorded.`);
        }
        outcome = { ...(outcome ?? (await encodeOutcome(ran.state, ran.runCount, t, subject)).outcome), runCount: ran.runCount };
      } catch (error) {
        if (started) throw error;
        // The run could not start here: record why, and hand that back.
        const state = Failed({ message: errorMessage(error), error });
        await recordRemoteTaskRunState(engine, spec, state);
        outcome = (await encodeOutcome(state, spec.taskRun.runCount, transport, subject)).outcome;
      }
      return outcome;
    });
  }

  /**
   * Whether this worker surely still holds the job's lock, so that finalizing a run need not
   * ask Redis (one round trip per job less). BullMQ set the lock, for `lockMs`, when it handed
   * the job over: after `job.processedOn`, this process's `Date.now()` when it asked for the
   * job (the clock BullMQ's own lock renewal goes by). From then on the lock is only extended
   * while the job is ours: the stalled check takes only jobs without a lock, `Queue.remove`
   * refuses locked ones. So while less than a tenth of `lockMs` has passed since
   * `processedOn`, the lock is held, with at least 0.9 × `lockMs` left for the final write. A
   * freeze anywhere before this check (between taking the job and processing it, or during
   * the run) counts in that time; a wall clock set back meanwhile (seen against the
   * monotonic clock) makes us ask Redis.
   */
  #lockSurelyHeld(job: Job, startedAt: { wall: number; monotonic: number }): boolean {
    const processedOn = job.processedOn;
    if (processedOn === undefined || startedAt.wall < processedOn) return false;
    const now = Date.now();
    const monotonic = performance.now() - startedAt.monotonic;
    if (now - startedAt.wall < monotonic - CLOCK_SLACK_MS) return false; // the wall clock went back
    return Math.max(now - processedOn, monotonic) < this.#parts.lockMs / 10;
  }

  /**
   * Group commit: a run's states are durable once a flush that began after they were
   * recorded has ended. Runs that finish while other jobs are running here wait for them up
   * to {@link FLUSH_WINDOW_MS} (or until every running job is waiting), and one flush makes
   * all of their states durable; a lone run flushes at once. One flush at a time.
   */
  #flush(): Promise<void> {
    const group = (this.#group ??= flushGroup());
    group.size++;
    this.#maybeFlush();
    return group.done;
  }

  #maybeFlush(): void {
    const group = this.#group;
    if (group === undefined || this.#flushing) return;
    if (group.size < this.#running) {
      this.#flushTimer ??= setTimeout(() => {
        this.#flushTimer = undefined;
        this.#startFlush();
      }, FLUSH_WINDOW_MS);
      return;
    }
    this.#startFlush();
  }

  #startFlush(): void {
    const group = this.#group;
    if (group === undefined || this.#flushing) return; // the flush in flight starts it when it ends
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#group = undefined;
    this.#flushing = true;
    this.#parts.engine.flush().then(group.resolve, group.reject).finally(() => {
      this.#flushing = false;
      this.#maybeFlush();
      if (this.#group !== undefined && this.#flushTimer === undefined) this.#startFlush();
    });
  }

  async #storage(blockId: string, subject: string): Promise<WritableFileSystem> {
    try {
      return await this.#parts.engine.results.storageById(blockId);
    } catch (error) {
      throw new DistributedError(
        DistributedErrorCode.StorageNotShared,
        `${subject} cannot run on this worker: the flow's result storage (block document ${blockId}) cannot be loaded ` +
          `from this worker's metadata store: ${errorMessage(error)}. Flow and workers must share one metadata store ` +
          "(CAIRN_API_URL of one `cairn server`, one PostgreSQL CAIRN_API_DATABASE_URL, or one CAIRN_HOME on one machine).",
        { cause: error },
      );
    }
  }

  async #checkProbe(storage: WritableFileSystem, data: CairnJobData, subject: string): Promise<void> {
    const id = `${data.spec.result.storageBlockId}\u0000${data.probe.key}`;
    if (this.#probed.has(id)) return;
    await checkProbe(storage, data.probe, subject);
    this.#probed.add(id);
    // The oldest go first: a worker that serves flows for months must not keep every probe it saw.
    if (this.#probed.size > PROBES_KEPT) this.#probed.delete(this.#probed.values().next().value!);
  }

  #serializer(config: SerializerConfig): Serializer {
    const id = JSON.stringify(config);
    let serializer = this.#serializers.get(id);
    if (serializer === undefined) {
      serializer = resolveSerializer(config);
      this.#serializers.set(id, serializer);
    }
    return serializer;
  }
}
