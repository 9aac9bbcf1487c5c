import type { Redis } from "ioredis";
import type { CairnJobReply } from "./job-payload.js";

/** Replies taken from the list in one round trip at most. */
const BATCH = 1000;
/** How long one blocking pop waits for a reply (seconds) before it asks again. */
const BLOCK_SECONDS = 1;
/** Pause before asking again after Redis failed to answer. */
const RETRY_MS = 250;

/**
 * Reads one runner's reply list (`CairnRedisKeys.replies`): the outcomes workers push for
 * its jobs, handed over in batches as they arrive. Only this runner's replies travel to it
 * (BullMQ's events stream carries every event of every job of the queue). Uses a
 * connection of its own: a blocking pop holds it.
 *
 * @example
 * ```ts
 * const reader = new ReplyReader(await openRedis(...), keys.replies(runnerId), (replies) => settle(replies));
 * // ...
 * await reader.close();
 * ```
 */
export class ReplyReader {
  #closed = false;
  readonly #loop: Promise<void>;

  constructor(
    readonly redis: Redis,
    /** The list's key. */
    readonly key: string,
    onReplies: (replies: CairnJobReply[]) => void,
  ) {
    this.#loop = this.#read(onReplies);
  }

  /** Stops reading and closes the connection (replies still in the list stay there). */
  async close(): Promise<void> {
    this.#closed = true;
    this.redis.disconnect();
    await this.#loop;
  }

  async #read(onReplies: (replies: CairnJobReply[]) => void): Promise<void> {
    while (!this.#closed) {
      let texts: string[] | null;
      try {
        texts = await this.redis.lpop(this.key, BATCH);
        if (texts === null) {
          const popped = await this.redis.blpop(this.key, BLOCK_SECONDS);
          texts = popped === null ? null : [popped[1]];
        }
      } catch {
        // Redis is down or the connection is closing: the runner's watch fails what waits too long.
        if (!this.#closed) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      if (texts === null || this.#closed) continue;
      const replies: CairnJobReply[] = [];
      for (const text of texts) {
        try {
          replies.push(JSON.parse(text) as CairnJobReply);
        } catch {
          // Not a reply of this Cairn: nothing to route it to.
        }
      }
      onReplies(replies);
    }
  }
}
