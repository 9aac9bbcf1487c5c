import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { encodeBase64Blob, encodeBase64ResultBlob, decodeBase64ResultBlob } from "../../src/results/blob/base64-blob.js";
import { decodePersistedResultBlob, encodePersistedResultBlob, PersistedResultBlob } from "../../src/results/result-blob.js";
import { ResultIntegrityError } from "../../src/results/blob/result-integrity-error.js";

const source = { key: "k1", storage: "test storage" };
const anyBinary = (): boolean => true;

describe("binary result blobs written and read without their text form", () => {
  for (const size of [0, 1, 2, 3, 100, 786_432, 786_433, 2_000_001]) {
    it(`writes exactly the general encoder's bytes and reads them back (${size} bytes)`, () => {
      const bytes = randomBytes(size);
      const createdAt = new Date("2026-01-02T03:04:05.000Z");
      const expiration = new Date("2027-01-01T00:00:00.000Z");
      const fast = encodeBase64ResultBlob({ serializer: { type: "msgpack" }, bytes, expiration, createdAt });
      const general = encodePersistedResultBlob(
        PersistedResultBlob.create({ serializer: { type: "msgpack" }, data: bytes.toString("base64"), expiration, createdAt }),
      );
      assert.ok(Buffer.from(fast).equals(Buffer.from(general)));
      const blob = decodePersistedResultBlob(fast, source);
      assert.equal(blob.data, bytes.toString("base64"));
      const decoded = decodeBase64ResultBlob(fast, source, anyBinary);
      assert.ok(decoded);
      assert.ok(Buffer.from(decoded.bytes).equals(bytes));
      assert.equal(decoded.fields.integrity, blob.integrity);
    });
  }

  it("writes the general encoder's bytes for nested, unordered and non-ASCII serializer configs, with or without expiration", () => {
    const configs = [
      { type: "compressed/msgpack", serializer: { type: "msgpack" }, compressionlib: "zlib" },
      { type: "custom-ü", zeta: 1, alpha: { b: [1, "é", null], a: true }, when: new Date("2026-01-01T00:00:00.000Z"), skipped: undefined },
    ];
    for (const serializer of configs) {
      for (const expiration of [null, new Date("2027-05-06T07:08:09.010Z")]) {
        const bytes = randomBytes(500);
        const createdAt = new Date("2026-01-02T03:04:05.000Z");
        const fast = encodeBase64Blob({ serializer, bytes, expiration, createdAt });
        const general = PersistedResultBlob.create({ serializer, data: bytes.toString("base64"), expiration, createdAt });
        assert.ok(Buffer.from(fast.bytes).equals(Buffer.from(encodePersistedResultBlob(general))));
        assert.equal(fast.integrity, general.integrity);
        assert.equal(decodePersistedResultBlob(fast.bytes, source).data, bytes.toString("base64"));
      }
    }
  });

  it("refuses a corrupted data byte with the integrity error naming the key and storage", () => {
    const file = Buffer.from(encodeBase64ResultBlob({ serializer: { type: "v8" }, bytes: randomBytes(5000), expiration: null }));
    file[file.length - 100] = file[file.length - 100] === 0x41 ? 0x42 : 0x41;
    assert.throws(() => decodeBase64ResultBlob(file, source, anyBinary), (err: unknown) =>
      err instanceof ResultIntegrityError && /k1/.test(err.message) && /test storage/.test(err.message));
  });

  it("leaves other layouts, truncated files and text serializers to the general reader", () => {
    const file = Buffer.from(encodeBase64ResultBlob({ serializer: { type: "msgpack" }, bytes: randomBytes(300), expiration: null }));
    assert.equal(decodeBase64ResultBlob(file.subarray(0, file.length - 10), source, anyBinary), undefined);
    const pretty = Buffer.from(JSON.stringify(JSON.parse(file.toString("utf8")), null, 2));
    assert.equal(decodeBase64ResultBlob(pretty, source, anyBinary), undefined);
    assert.equal(decodeBase64ResultBlob(file, source, (s) => s.type !== "msgpack"), undefined);
    assert.equal(decodePersistedResultBlob(pretty, source).serializer.type, "msgpack");
  });
});
