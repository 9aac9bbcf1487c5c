import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { randomHex, takeRandomBytes } from "../../src/utils/random-pool.js";
import { uuid7 } from "../../src/utils/uuid7.js";

describe("random pool", () => {
  it("randomHex gives lowercase hex of twice the byte count, never repeating across pool refills", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const key = randomHex(16);
      assert.match(key, /^[0-9a-f]{32}$/);
      seen.add(key);
    }
    assert.equal(seen.size, 5000);
  });

  it("hands out each pool byte once until the pool is refilled", () => {
    const first = takeRandomBytes(16);
    const second = takeRandomBytes(16);
    assert.ok(second === first + 16 || second === 0, `offsets ${first} then ${second}`);
  });

  it("uuid7 ids from the shared pool stay version 7, variant 10, unique and ordered", () => {
    const ids = Array.from({ length: 3000 }, () => uuid7());
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
  });
});
