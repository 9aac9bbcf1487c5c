import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reliabilityN, seededRandom } from "./support/scale.js";

describe("reliability scale", () => {
  it("the same seed gives the same sequence, another seed another", () => {
    const a = seededRandom(7), b = seededRandom(7), c = seededRandom(8);
    const xs = [a(), a(), a()];
    assert.deepEqual([b(), b(), b()], xs);
    assert.notDeepEqual([c(), c(), c()], xs);
    for (const x of xs) assert.ok(x >= 0 && x < 1);
  });

  it("picks the quick size in npm test unless a size is forced", () => {
    const n = reliabilityN(200, 12);
    assert.equal(n, process.env.CAIRN_RELIABILITY_N ? Number(process.env.CAIRN_RELIABILITY_N)
      : process.env.CAIRN_RELIABILITY_FULL === "1" ? 200 : 12);
  });
});
