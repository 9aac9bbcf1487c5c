import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { PathReader, PathWriter } from "../../src/blocks/writable-file-system.js";
import { encodeBase64ResultBlob } from "../../src/results/blob/base64-blob.js";
import { readBase64ResultBlob, writeBase64ResultBlob } from "../../src/results/blob/base64-blob-stream.js";
import { ResultIntegrityError } from "../../src/results/blob/result-integrity-error.js";

const source = { key: "big-key", storage: "memory storage" };
const anyBinary = (): boolean => true;

/** An in-memory writer (a test double: parts land in a growing buffer, as a file would). */
class MemoryWriter implements PathWriter {
  bytes = Buffer.alloc(0);
  committed = false;
  async write(part: Uint8Array, position: number): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve)); // completes out of band, like a file write
    const end = position + part.byteLength;
    if (end > this.bytes.length) this.bytes = Buffer.concat([this.bytes, Buffer.alloc(end - this.bytes.length)]);
    this.bytes.set(part, position);
  }
  async commit(): Promise<void> {
    this.committed = true;
  }
  async abort(): Promise<void> {}
}

/** An in-memory reader over `bytes` that claims `size` (larger than the bytes to mimic a file truncated while read). */
function memoryReader(bytes: Buffer, size = bytes.length): PathReader & { reads: number } {
  return {
    size,
    reads: 0,
    async read(into, offset, length, position) {
      this.reads++;
      const part = bytes.subarray(position, Math.min(position + length, bytes.length));
      into.set(part, offset);
      return part.length;
    },
    async close() {},
  };
}

describe("binary result blobs streamed in parts", () => {
  const createdAt = new Date("2026-01-02T03:04:05.000Z");
  for (const [size, chunkBytes] of [[0, 3], [1, 3], [5, 3], [1000, 30], [70_001, 999], [300_000, 65_536]] as const) {
    it(`writes exactly the one-piece encoder's bytes and reads them back (${size} bytes in parts of ${chunkBytes})`, async () => {
      const bytes = randomBytes(size);
      const input = { serializer: { type: "msgpack" }, bytes, expiration: null, createdAt };
      const writer = new MemoryWriter();
      await writeBase64ResultBlob(writer, input, { chunkBytes });
      assert.ok(writer.bytes.equals(Buffer.from(encodeBase64ResultBlob(input))));
      const reader = memoryReader(writer.bytes);
      const decoded = await readBase64ResultBlob(reader, source, anyBinary, { chunkBytes });
      assert.ok(decoded);
      assert.ok(Buffer.from(decoded.bytes).equals(bytes));
      if (size > chunkBytes * 2) assert.ok(reader.reads > 3, `read in parts (${reader.reads} reads)`);
    });
  }

  it("refuses a flipped data byte with the integrity error naming the key and storage", async () => {
    const file = Buffer.from(encodeBase64ResultBlob({ serializer: { type: "msgpack" }, bytes: randomBytes(50_000), expiration: null }));
    file[file.length - 5000] = file[file.length - 5000] === 0x41 ? 0x42 : 0x41;
    await assert.rejects(readBase64ResultBlob(memoryReader(file), source, anyBinary, { chunkBytes: 4096 }), (err: unknown) =>
      err instanceof ResultIntegrityError && /does not match/.test(err.message) && /big-key/.test(err.message) && /memory storage/.test(err.message));
  });

  it("refuses a file that ends before its size (truncated while read), naming the key", async () => {
    const file = Buffer.from(encodeBase64ResultBlob({ serializer: { type: "msgpack" }, bytes: randomBytes(50_000), expiration: null }));
    const shortened = Buffer.concat([file.subarray(0, 30_000), file.subarray(file.length - 3)]);
    await assert.rejects(readBase64ResultBlob(memoryReader(shortened, file.length), source, anyBinary, { chunkBytes: 4096 }), (err: unknown) =>
      err instanceof ResultIntegrityError && /ended at byte/.test(err.message) && /big-key/.test(err.message));
  });

  it("passes on a storage failure in the middle of a read, and one in the middle of a write", async () => {
    const file = Buffer.from(encodeBase64ResultBlob({ serializer: { type: "msgpack" }, bytes: randomBytes(50_000), expiration: null }));
    const reader = memoryReader(file);
    const read = reader.read.bind(reader);
    reader.read = async (...args) => {
      if (reader.reads === 4) throw new Error("connection reset while reading");
      return read(...args);
    };
    await assert.rejects(readBase64ResultBlob(reader, source, anyBinary, { chunkBytes: 4096 }), /connection reset while reading/);
    const writer = new MemoryWriter();
    let writes = 0;
    const write = writer.write.bind(writer);
    writer.write = async (part, position) => {
      if (++writes === 3) throw new Error("disk full while writing");
      return write(part, position);
    };
    await assert.rejects(writeBase64ResultBlob(writer, { serializer: { type: "msgpack" }, bytes: randomBytes(50_000), expiration: null }, { chunkBytes: 3000 }), /disk full while writing/);
  });

  it("leaves other layouts, cut files and refused serializers to the general reader", async () => {
    const file = Buffer.from(encodeBase64ResultBlob({ serializer: { type: "msgpack" }, bytes: randomBytes(3000), expiration: null }));
    assert.equal(await readBase64ResultBlob(memoryReader(file.subarray(0, file.length - 10)), source, anyBinary), undefined);
    const pretty = Buffer.from(JSON.stringify(JSON.parse(file.toString("utf8")), null, 2));
    assert.equal(await readBase64ResultBlob(memoryReader(pretty), source, anyBinary), undefined);
    assert.equal(await readBase64ResultBlob(memoryReader(file), source, (s) => s.type !== "msgpack"), undefined);
  });

  it("finds data after a serializer option that is itself named data", async () => {
    const input = { serializer: { type: "custom/bytes", data: "x", nested: { data: "y" } }, bytes: randomBytes(10_000), expiration: null };
    const decoded = await readBase64ResultBlob(memoryReader(Buffer.from(encodeBase64ResultBlob(input))), source, anyBinary, { chunkBytes: 999 });
    assert.ok(decoded);
    assert.ok(Buffer.from(decoded.bytes).equals(input.bytes));
    assert.deepEqual(decoded.fields.serializer, input.serializer);
  });
});
