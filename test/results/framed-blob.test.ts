import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { PathReader, PathWriter } from "../../src/blocks/writable-file-system.js";
import { canonicalJson } from "../../src/results/blob/canonical-json.js";
import { decodeFramedBlob, encodeFramedBlob, findFramedHead, readFramedBlob, writeFramedBlob } from "../../src/results/blob/framed-blob.js";
import { ResultIntegrityError } from "../../src/results/blob/result-integrity-error.js";
import { decodePersistedResultBlob, encodePersistedResultBlob, PersistedResultBlob } from "../../src/results/result-blob.js";
import { MsgpackSerializer, resolveSerializer } from "../../src/serializers/index.js";

const source = { key: "framed-key", storage: "memory storage" };
const createdAt = new Date("2026-12-04T09:00:00.000Z");
const run = promisify(execFile);

/** An in-memory writer (a test double: parts land in a buffer, as a file would). */
class MemoryWriter implements PathWriter {
  bytes = Buffer.alloc(0);
  writes: Array<{ position: number; length: number }> = [];
  async write(part: Uint8Array, position: number): Promise<void> {
    this.writes.push({ position, length: part.byteLength });
    await new Promise((resolve) => setImmediate(resolve));
    const end = position + part.byteLength;
    if (end > this.bytes.length) this.bytes = Buffer.concat([this.bytes, Buffer.alloc(end - this.bytes.length)]);
    this.bytes.set(part, position);
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {}
}

function memoryReader(bytes: Buffer, size = bytes.length): PathReader {
  return {
    size,
    async read(into, offset, length, position) {
      const part = bytes.subarray(position, Math.min(position + length, bytes.length));
      into.set(part, offset);
      return part.length;
    },
    async close() {},
  };
}

const corrupted = (reason: RegExp) => (err: unknown): boolean => {
  assert.ok(err instanceof ResultIntegrityError, String(err));
  assert.match(err.message, reason);
  assert.ok(err.message.includes('"framed-key"') && err.message.includes("memory storage"), err.message);
  return true;
};

describe("framed result blobs (a JSON head line, then the raw bytes)", () => {
  it("the streamed writer writes exactly the one-piece bytes, the data once and the head last", async () => {
    for (const size of [0, 1, 1000, 5 * 1024 * 1024 + 7]) {
      const bytes = randomBytes(size);
      const input = { serializer: { type: "msgpack" }, bytes, expiration: null, createdAt };
      const writer = new MemoryWriter();
      const integrity = await writeFramedBlob(writer, input);
      const whole = encodeFramedBlob(input);
      assert.equal(integrity, whole.integrity);
      assert.ok(writer.bytes.equals(Buffer.from(whole.file)), `size ${size}`);
      assert.equal(writer.writes.at(-1)!.position, 0, "the head, holding the hash, is written last");
      assert.equal(writer.writes.length, size === 0 ? 1 : 2, "the raw bytes in one write, never copied into parts");
    }
  });

  it("hashes exactly what docs/result-blob.md says, and the head line is what it says", () => {
    const bytes = randomBytes(3000);
    const { file, integrity } = encodeFramedBlob({ serializer: { type: "msgpack" }, bytes, expiration: new Date("2030-01-01T00:00:00Z"), createdAt });
    const buf = Buffer.from(file);
    const end = buf.indexOf(0x0a);
    const head = JSON.parse(buf.toString("utf8", 0, end)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(head), ["cairn", "layout", "serializer", "expiration", "createdAt", "cairnVersion", "byteLength", "integrity"]);
    const { integrity: stored, ...fields } = head;
    const expected = createHash("sha256").update(canonicalJson(fields)).update("\n").update(bytes).digest("base64");
    assert.equal(stored, `sha256-${expected}`);
    assert.equal(integrity, stored);
    assert.ok(buf.subarray(end + 1).equals(bytes));
  });

  it("reads back whole and in parts; the general reader gives data as base64, and re-encodes the same bytes", async () => {
    const value = { samples: new Float64Array(800_000).map((_, i) => i / 3), label: "big" };
    const bytes = await new MsgpackSerializer().dumpsBytes(value);
    const { file } = encodeFramedBlob({ serializer: { type: "msgpack" }, bytes, expiration: null, createdAt });
    const buf = Buffer.from(file);
    const whole = decodeFramedBlob(buf, source)!;
    assert.ok(Buffer.from(whole.bytes).equals(Buffer.from(bytes)));
    const first = buf.subarray(0, 64 * 1024);
    const found = findFramedHead(first, buf.length, source)!;
    const parts = await readFramedBlob(memoryReader(buf), first, found, source);
    assert.ok(Buffer.from(parts.bytes).equals(Buffer.from(bytes)));
    const blob = decodePersistedResultBlob(buf, source);
    assert.equal(blob.layout, "framed");
    assert.equal(blob.byteLength, bytes.byteLength);
    assert.deepEqual(await resolveSerializer(blob.serializer).loads(blob.data), value);
    assert.ok(Buffer.from(encodePersistedResultBlob(blob)).equals(buf));
  });

  it("document blobs are not mistaken for framed ones", () => {
    const doc = PersistedResultBlob.create({ serializer: { type: "json" }, data: JSON.stringify({ layout: "framed", text: "a\nb" }), expiration: null });
    const compact = Buffer.from(encodePersistedResultBlob(doc));
    assert.equal(findFramedHead(compact, compact.length, source), undefined);
    const pretty = Buffer.from(JSON.stringify(doc, null, 2));
    assert.equal(findFramedHead(pretty, pretty.length, source), undefined);
    assert.deepEqual(decodePersistedResultBlob(compact, source), doc);
  });

  it("refuses every framed-layout cut with a clear error naming key and storage", async () => {
    const bytes = randomBytes(10_000);
    const buf = Buffer.from(encodeFramedBlob({ serializer: { type: "msgpack" }, bytes, expiration: null, createdAt }).file);
    const end = buf.indexOf(0x0a);
    const line = buf.toString("utf8", 0, end);
    const withHead = (edit: (head: Record<string, unknown>) => void, data: Buffer = bytes): Buffer => {
      const head = JSON.parse(line) as Record<string, unknown>;
      edit(head);
      return Buffer.concat([Buffer.from(`${JSON.stringify(head)}\n`), data]);
    };
    const cases: Array<[string, Buffer, RegExp]> = [
      ["head cut", buf.subarray(0, end - 10), /not valid JSON/],
      ["head cut at its newline", buf.subarray(0, end), /holds a framed blob.s head line and none of the 10000 bytes that follow it: it was truncated/],
      ["bytes missing", buf.subarray(0, buf.length - 1), /holds 9999 of the 10000 bytes its framed head announces: it was truncated/],
      ["only the head", buf.subarray(0, end + 1), /holds 0 of the 10000 bytes/],
      ["bytes extra", Buffer.concat([buf, Buffer.from("x")]), /1 bytes more than the 10000 its framed head announces/],
      ["length lies (shorter)", withHead((h) => (h["byteLength"] = 9000)), /1000 bytes more than the 9000/],
      ["length lies (longer)", withHead((h) => (h["byteLength"] = 20_000)), /holds 10000 of the 20000 bytes/],
      ["length not a number", withHead((h) => (h["byteLength"] = "10000")), /framed head's fields are invalid \(byteLength/],
      ["unknown layout", withHead((h) => (h["layout"] = "chunked")), /names the layout "chunked"/],
      ["unknown head field", withHead((h) => (h["extra"] = 1)), /framed head's fields are invalid/],
      ["edited head", withHead((h) => (h["expiration"] = "2031-01-01T00:00:00.000Z")), /integrity hash does not match/],
      ["flipped data byte", Buffer.concat([buf.subarray(0, end + 1 + 5000), Buffer.from([buf[end + 1 + 5000]! ^ 0x10]), buf.subarray(end + 1 + 5001)]), /integrity hash does not match/],
    ];
    for (const [name, file, reason] of cases) {
      assert.throws(() => decodePersistedResultBlob(file, source), corrupted(reason), name);
    }
    // In parts too: a file that ends before its announced size while it is read.
    const first = buf.subarray(0, 64 * 1024);
    const found = findFramedHead(first, buf.length, source)!;
    const big = Buffer.from(encodeFramedBlob({ serializer: { type: "msgpack" }, bytes: randomBytes(9_000_000), expiration: null, createdAt }).file);
    const bigFirst = big.subarray(0, 64 * 1024);
    const bigFound = findFramedHead(bigFirst, big.length, source)!;
    await assert.rejects(readFramedBlob(memoryReader(big.subarray(0, 5_000_000), big.length), bigFirst, bigFound, source), corrupted(/file ended at byte 5000000/));
    assert.ok(found.head.byteLength === 10_000);
  });

  it("PersistedResultBlob.parse of a framed head alone says to read the whole file", () => {
    const buf = Buffer.from(encodeFramedBlob({ serializer: { type: "msgpack" }, bytes: randomBytes(10), expiration: null, createdAt }).file);
    const head = JSON.parse(buf.toString("utf8", 0, buf.indexOf(0x0a))) as unknown;
    assert.throws(() => PersistedResultBlob.parse(head, source), corrupted(/head line of a "framed" blob.*read the whole file with decodePersistedResultBlob/));
  });

  it("the by-hand reader of docs/result-blob.md reads a framed blob and refuses a corrupted one", async () => {
    const doc = readFileSync(new URL("../../docs/result-blob.md", import.meta.url), "utf8");
    const code = /```ts framed-reader\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(code !== undefined, "docs/result-blob.md has a ```ts framed-reader block");
    const dir = mkdtempSync(join(tmpdir(), "cairn-framed-doc-"));
    try {
      const value = { n: 42, samples: new Float64Array([1.5, 2.5]) };
      const bytes = await new MsgpackSerializer().dumpsBytes(value);
      const file = join(dir, "blob");
      writeFileSync(file, encodeFramedBlob({ serializer: { type: "msgpack" }, bytes, expiration: null, createdAt }).file);
      writeFileSync(join(dir, "reader.ts"), `${code}\nconst { serializer, bytes } = readFramedBlob(process.argv[2]!);\nconsole.log(serializer.type, bytes.toString("base64"));\n`);
      const { stdout } = await run(process.execPath, ["--import", "tsx", join(dir, "reader.ts"), file]);
      assert.equal(stdout.trim(), `msgpack ${Buffer.from(bytes).toString("base64")}`);
      const flipped = readFileSync(file);
      flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 0x01;
      writeFileSync(file, flipped);
      await assert.rejects(run(process.execPath, ["--import", "tsx", join(dir, "reader.ts"), file]), /integrity hash mismatch/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
