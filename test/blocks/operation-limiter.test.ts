import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import { OperationLimiter } from "../../src/blocks/local-file-system/operation-limiter.js";

void describe("OperationLimiter", () => {
  void it("never runs more than max at once, in FIFO order, and survives failures", async () => {
    const limiter = new OperationLimiter(3);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          started.push(i);
          peak = Math.max(peak, ++active);
          await sleep(2);
          active--;
          if (i % 5 === 0) throw new Error(`fail ${i}`);
          return i;
        }),
      ),
    );
    assert.equal(peak, 3);
    assert.deepEqual(started, Array.from({ length: 20 }, (_, i) => i));
    assert.equal(results.filter((r) => r.status === "rejected").length, 4);
    assert.equal(await limiter.run(async () => "still works"), "still works");
  });

  void it("refuses a max below 1", () => {
    assert.throws(() => new OperationLimiter(0), RangeError);
  });
});
