import type { Redis } from "ioredis";
import type { CairnJobReply } from "../task-runners/bullmq/job-payload.js";

/** How long a reply list lives after its last push when its flow never reads it (a flow that is gone). */
const REPLY_TTL_MS = 24 * 3600 * 1000;

/**
 * Pushes job replies to their flows' reply lists, one round trip for all the replies of an
 * event-loop turn (the runs of one group commit finish together): one `RPUSH` per list,
 * and the list's expiry renewed.
 *
 * @example
 * ```ts
 * const replies = new ReplySender(redis);
 * await replies.send(data.reply, { job: jobId, outcome }); // resolves once Redis holds it
 * ```
 */
export class ReplySender {
  readonly #redis: Redis;
  #lists = new Map<string, string[]>();
  #waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #scheduled = false;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** Queues `reply` for the list `key`; resolves once Redis holds it, rejects if it could not be pushed. */
  send(key: string, reply: CairnJobReply): Promise<void> {
    const text = JSON.stringify(reply);
    const list = this.#lists.get(key);
    if (list === undefined) this.#lists.set(key, [text]);
    else list.push(text);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#push());
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #push(): void {
    const lists = this.#lists;
    const waiting = this.#waiting;
    this.#lists = new Map();
    this.#waiting = [];
    this.#scheduled = false;
    const pipeline = this.#redis.pipeline();
    for (const [key, texts] of lists) pipeline.rpush(key, ...texts).pexpire(key, REPLY_TTL_MS);
    pipeline.exec().then(
      (results) => {
        const failed = results?.find(([error]) => error !== null)?.[0];
        for (const w of waiting) {
          if (failed === undefined && results !== null) w.resolve();
          else w.reject(failed ?? new Error("the reply push was not run"));
        }
      },
      (error: unknown) => {
        for (const w of waiting) w.reject(error);
      },
    );
  }
}
