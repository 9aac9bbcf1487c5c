import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deserialize } from "node:v8";
import { DeserializationError, V8Serializer } from "../../src/serializers/index.js";

describe("V8Serializer", () => {
  const s = new V8Serializer();

  it("writes node:v8 serialization as base64", () => {
    const text = s.dumps({ a: new Map([[1, 2]]) });
    assert.deepEqual(deserialize(Buffer.from(text, "base64")), { a: new Map([[1, 2]]) });
  });

  it("keeps holes of sparse arrays", () => {
    // eslint-disable-next-line no-sparse-arrays
    const back = s.loads(s.dumps([1, , 3])) as unknown[];
    assert.equal(1 in back, false);
  });

  it("refuses bytes that are not V8 data", () => {
    assert.throws(() => s.loads(Buffer.from("not v8 data").toString("base64")), DeserializationError);
  });

  it("has no options: its config is its type", () => {
    assert.deepEqual(s.toConfig(), { type: "v8" });
  });
});
