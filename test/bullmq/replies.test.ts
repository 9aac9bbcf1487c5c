// The reply path between workers and flows, against a real Redis: a worker's reply is in the
// flow's list before anything the worker sends after it on that connection (so before the job's
// completion), lists of flows that never read them expire, and a runner reads its list in
// batches, skipping what is not a reply.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { CairnJobReply } from "../../src/task-runners/bullmq/job-payload.js";
import { CairnRedisKeys } from "../../src/task-runners/bullmq/redis-keys.js";
import { ReplyReader } from "../../src/task-runners/bullmq/reply-reader.js";
import { ReplySender } from "../../src/worker/reply-sender.js";
import { cleanRedis, eventually, testRedis, uniqueQueue } from "./support/worker-process.js";

const { queue, prefix } = uniqueQueue("replies");
const keys = new CairnRedisKeys(prefix, queue);

after(async () => {
  await cleanRedis(prefix);
});

const outcome = (i: number): CairnJobReply => ({
  job: `job-${i}`,
  outcome: { cairn: 2, state: { type: "COMPLETED", name: "Completed", message: null, timestamp: new Date(0).toISOString() }, runCount: 1 },
});

describe("a worker's replies", () => {
  it("are in the list before what the worker sends next on the same connection (the job's completion)", async () => {
    const connection = testRedis();
    try {
      const key = keys.replies("ordered");
      const replies = new ReplySender(async () => connection);
      for (let i = 0; i < 3; i++) await replies.send(key, outcome(i));
      // What BullMQ would send next (moveToFinished) sees the replies already pushed.
      const seen = (await connection.eval("return redis.call('LRANGE', KEYS[1], 0, -1)", 1, key)) as string[];
      assert.deepEqual(seen.map((text) => (JSON.parse(text) as CairnJobReply).job), ["job-0", "job-1", "job-2"]);
    } finally {
      connection.disconnect();
    }
  });

  it("go to a list that expires a day after its last push (a flow that is gone never reads it)", async () => {
    const connection = testRedis();
    try {
      const key = keys.replies("orphaned");
      await new ReplySender(async () => connection).send(key, outcome(0));
      await eventually(async () => (await connection.pttl(key)) > 0, 2_000, "the list's expiry set");
      const ttl = await connection.pttl(key);
      assert.ok(ttl > 23.9 * 3600 * 1000 && ttl <= 24 * 3600 * 1000, `expires in ${ttl} ms`);
    } finally {
      connection.disconnect();
    }
  });
});

describe("a runner's reply reader", () => {
  it("hands over every reply in batches, skips text that is not a reply, and closes while it waits", async () => {
    const key = keys.replies("reader");
    const pusher = testRedis();
    const received: CairnJobReply[] = [];
    const batches: number[] = [];
    const reader = new ReplyReader(testRedis(), key, (replies) => {
      batches.push(replies.length);
      received.push(...replies);
    });
    try {
      const texts = Array.from({ length: 2500 }, (_, i) => JSON.stringify(outcome(i)));
      await pusher.rpush(key, ...texts.slice(0, 1200), "not json {", ...texts.slice(1200));
      await eventually(() => received.length === 2500, 10_000, "every reply read");
      assert.deepEqual(received.map((r) => r.job), texts.map((_, i) => `job-${i}`), "in order, the malformed one skipped");
      assert.ok(batches.every((n) => n <= 1000), `batches of at most 1,000: ${batches.join(", ")}`);
      assert.equal(await pusher.exists(key), 0, "the list is empty (gone) once read");
    } finally {
      const closing = Date.now();
      await reader.close(); // blocked in BLPOP now
      assert.ok(Date.now() - closing < 1_000, "close() does not wait for the blocking pop");
      pusher.disconnect();
    }
  });
});
