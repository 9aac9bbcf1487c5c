import type { Redis } from "ioredis";
import { errorMessage } from "../engine/run-attempts.js";
import type { CairnJobReply } from "../task-runners/bullmq/job-payload.js";

/** How long a reply list lives after its last push when its flow never reads it (a flow that is gone). */
const REPLY_TTL_MS = 24 * 3600 * 1000;

/**
 * Pushes job replies to their flows' reply lists on the connection BullMQ completes the
 * jobs with. A reply is pushed before its job's processor returns, so it goes out ahead of
 * the job's completion on that one connection, and Redis runs commands of one connection
 * in order: a job is never completed before its reply is in the list. Nothing waits for
 * the push itself (no round trip per job). Each list's expiry is renewed once per
 * event-loop turn.
 *
 * @example
 * ```ts
 * const replies = new ReplySender(() => worker.getBackend().client);
 * await replies.send(data.reply, { job: jobId, outcome }); // then return from the processor
 * ```
 */
export class ReplySender {
  readonly #connect: () => Promise<Redis>;
  #client: Promise<Redis> | undefined;
  readonly #expiring = new Set<string>();

  constructor(connect: () => Promise<Redis>) {
    this.#connect = connect;
  }

  /** Sends `reply` to the list `key` (ahead of anything sent later on the connection); resolves once it is on its way. */
  async send(key: string, reply: CairnJobReply): Promise<void> {
    const client = await (this.#client ??= this.#connect());
    client.rpush(key, JSON.stringify(reply)).catch((error: unknown) => {
      process.stderr.write(`cairn worker: could not push the reply of job ${reply.job} to ${key}: ${errorMessage(error)}\n`);
    });
    if (this.#expiring.has(key)) return;
    this.#expiring.add(key);
    setImmediate(() => {
      this.#expiring.delete(key);
      client.pexpire(key, REPLY_TTL_MS).catch(() => undefined);
    });
  }
}
