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
import {
  decodeArguments,
  JOB_FORMAT_VERSION,
  RETURN_VALUE_MAX_CHARS,
  type CairnJobData,
  type CairnJobOutcome,
  type CairnJobReturn,
} from "../task-runners/bullmq/job-payload.js";
import type { CairnRedisKeys } from "../task-runners/bullmq/redis-keys.js";
import { checkProbe } from "../task-runners/bullmq/storage-probe.js";
import { ValueTransport } from "../task-runners/bullmq/value-transport.js";
import type { TaskCatalog } from "./task-catalog.js";

/** How long an outcome waits in Redis for its flow (a flow that is gone never reads it). */
const OUTCOME_TTL_SECONDS = 24 * 3600;

/** What {@link JobProcessor} works with. */
export interface JobProcessorParts {
  readonly engine: Engine;
  readonly catalog: TaskCatalog;
  readonly redis: Redis;
  readonly keys: CairnRedisKeys;
  readonly locks: CacheKeyLock;
  readonly lockMs: number;
  readonly inlineMaxBytes: number;
}

/**
 * Runs one BullMQ job: one task run of a flow elsewhere, with the engine's full semantics
 * (`runRemoteTaskRun`), and hands its outcome back. A run that cannot start here (its
 * storage is not shared, its task is unknown, its arguments cannot be read) is recorded
 * FAILED with the reason; the job itself only fails when this process cannot record or
 * hand back anything.
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

  constructor(parts: JobProcessorParts) {
    this.#parts = parts;
  }

  async process(job: Job, token: string | undefined): Promise<CairnJobReturn> {
    const { engine } = this.#parts;
    const data = job.data as CairnJobData;
    if (data?.cairn !== JOB_FORMAT_VERSION || typeof data.spec?.taskRun?.id !== "string") {
      throw new Error(
        `Job ${job.id ?? "?"} is not a Cairn job of format ${JOB_FORMAT_VERSION} (a job from another producer on this queue, ` +
          "or from a newer Cairn): use a queue of its own for Cairn, and the same Cairn version on flows and workers.",
      );
    }
    const spec = data.spec;
    const subject = `Task run '${spec.taskRun.name}'`;
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
          finalize: async (state) => {
            // Still this worker's job? (A worker frozen past its lock lost it to another.)
            if (token !== undefined && (await job.extendLock(token, this.#parts.lockMs)) !== 1) return undefined;
            const encoded = await encodeOutcome(state, 0, t, subject);
            outcome = encoded.outcome;
            return encoded.state;
          },
        });
        if (!ran.recorded) {
          throw new Error(`${subject}: this worker lost the job's lock (another worker took it over); its attempt is not recorded.`);
        }
        outcome = { ...(outcome ?? (await encodeOutcome(ran.state, ran.runCount, t, subject)).outcome), runCount: ran.runCount };
      } catch (error) {
        if (started) throw error;
        // The run could not start here: record why, and hand that back.
        const state = Failed({ message: errorMessage(error), error });
        await recordRemoteTaskRunState(engine, spec, state);
        outcome = (await encodeOutcome(state, spec.taskRun.runCount, transport, subject)).outcome;
      }
      return this.#handBack(String(job.id), outcome);
    });
  }

  /** Small outcomes ride in the return value; larger ones wait in their own key. */
  async #handBack(jobId: string, outcome: CairnJobOutcome): Promise<CairnJobReturn> {
    const text = JSON.stringify(outcome);
    if (text.length <= RETURN_VALUE_MAX_CHARS) return { outcome };
    const key = this.#parts.keys.outcome(jobId);
    await this.#parts.redis.set(key, text, "EX", OUTCOME_TTL_SECONDS);
    return { outcomeKey: key };
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
