import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalFileSystem } from "../../src/blocks/local-file-system/local-file-system.js";
import { RESULT_BLOB_READERS } from "../../src/results/blob/blob-readers.js";
import { canonicalJson } from "../../src/results/blob/canonical-json.js";
import {
  decodePersistedResultBlob,
  encodePersistedResultBlob,
  PersistedResultBlob,
  RESULT_BLOB_FORMAT_VERSION,
  ResultIntegrityError,
  UnsupportedResultBlobVersionError,
} from "../../src/results/result-blob.js";
import type { Serializer, SerializerConfig } from "../../src/serializers/serializer.js";

/** A tiny JSON serializer implementing the interface (the real ones live in src/serializers). */
const testJson: Serializer = {
  type: "test-json",
  dumps: (value) => JSON.stringify(value),
  loads: (text) => JSON.parse(text) as unknown,
  toConfig: (): SerializerConfig => ({ type: "test-json", space: 0, nested: { z: 1, a: [1, "two"] } }),
};

const packageVersion = (JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
const fixtureUrl = new URL("./fixtures/result-blob-v1.json", import.meta.url);

let base: string;
let storage: LocalFileSystem;
before(async () => {
  base = await mkdtemp(join(tmpdir(), "cairn-blob-"));
  storage = new LocalFileSystem({ basepath: base });
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

const value = { user: "Marvin", number: 42, text: 'quotes " and \\ backslashes, \n newlines, ünïcödé, 👋' };

function makeBlob(data = testJson.dumps(value) as string): PersistedResultBlob {
  return PersistedResultBlob.create({ serializer: testJson.toConfig(), data, expiration: null });
}

/** Asserts a ResultIntegrityError naming key and storage, whose reason matches. */
function assertCorrupted(fn: () => unknown, key: string, reason: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ResultIntegrityError, `expected ResultIntegrityError, got ${String(err)}`);
    assert.equal(err.code, "RESULT_CORRUPTED");
    assert.ok(err.message.includes(JSON.stringify(key)), `message should name the key: ${err.message}`);
    assert.ok(err.message.includes(storage.describe()), `message should name the storage: ${err.message}`);
    assert.match(err.reason, reason);
    assert.equal(err.key, key);
    assert.equal(err.storage, storage.describe());
    return true;
  });
}

/** Writes `bytes` at `key`, reads them back and decodes them. */
async function storeAndDecode(key: string, bytes: Uint8Array): Promise<() => PersistedResultBlob> {
  await storage.writePath(key, bytes);
  const back = await storage.readPath(key);
  return () => decodePersistedResultBlob(back, { key, storage });
}

void describe("PersistedResultBlob", () => {
  void it("round-trips a value through a storage", async () => {
    const blob = PersistedResultBlob.create({
      serializer: testJson,
      data: await testJson.dumps(value),
      expiration: new Date("2031-02-03T04:05:06Z"),
    });
    await storage.writePath("round/trip.json", encodePersistedResultBlob(blob));
    const obj = JSON.parse(new TextDecoder().decode(await storage.readPath("round/trip.json"))) as unknown;
    const parsed = PersistedResultBlob.parse(obj);
    assert.deepEqual(parsed, blob);
    assert.deepEqual(parsed.serializer, testJson.toConfig());
    assert.deepEqual(await testJson.loads(parsed.data), value);
    const decoded = decodePersistedResultBlob(await storage.readPath("round/trip.json"), { key: "round/trip.json", storage });
    assert.deepEqual(decoded, blob);
  });

  void it("fills every field", () => {
    const before = Date.now();
    const blob = makeBlob();
    assert.equal(blob.cairn, 1);
    assert.equal(RESULT_BLOB_FORMAT_VERSION, 1);
    assert.equal(PersistedResultBlob.version, 1);
    assert.equal(blob.cairnVersion, packageVersion);
    assert.equal(blob.expiration, null);
    assert.ok(Date.parse(blob.createdAt) >= before - 1 && blob.createdAt.endsWith("Z"));
    assert.match(blob.integrity, /^sha256-[A-Za-z0-9+/]{43}=$/);
    assert.ok(Object.isFrozen(blob));
    assert.deepEqual(Object.keys(blob), ["cairn", "serializer", "expiration", "createdAt", "cairnVersion", "integrity", "data"]);
  });

  void it("hashes exactly what docs/result-blob.md says", () => {
    const blob = makeBlob();
    const header = canonicalJson({
      cairn: blob.cairn,
      cairnVersion: blob.cairnVersion,
      createdAt: blob.createdAt,
      expiration: blob.expiration,
      serializer: blob.serializer,
    });
    assert.ok(header.startsWith('{"cairn":1,"cairnVersion":'));
    assert.ok(header.includes('"serializer":{"nested":{"a":[1,"two"],"z":1},"space":0,"type":"test-json"}'), header);
    const expected = createHash("sha256").update(Buffer.from(`${header}\n${blob.data}`, "utf8")).digest("base64");
    assert.equal(blob.integrity, `sha256-${expected}`);
  });

  void it("writes compact JSON, data last, one trailing newline, on both encoding paths", () => {
    for (const data of ["kgGhYQ==", randomBytes(1000).toString("base64"), testJson.dumps(value) as string, "", "\u0000\u001f\u007f\u2028 \ud800"]) {
      const blob = makeBlob(data);
      const text = new TextDecoder().decode(encodePersistedResultBlob(blob));
      assert.equal(text, `${JSON.stringify(blob)}\n`);
      assert.deepEqual(decodePersistedResultBlob(encodePersistedResultBlob(blob), { key: "k", storage }).data, data);
    }
  });

  void it("normalizes inputs and refuses bad ones", () => {
    const blob = PersistedResultBlob.create({
      serializer: { type: "x", when: new Date(0), gone: undefined },
      data: "",
      expiration: "2030-01-01T01:00:00+01:00",
      createdAt: new Date(0),
    });
    assert.deepEqual(blob.serializer, { type: "x", when: "1970-01-01T00:00:00.000Z" });
    assert.equal(blob.expiration, "2030-01-01T00:00:00.000Z");
    assert.equal(blob.createdAt, "1970-01-01T00:00:00.000Z");
    assert.throws(() => PersistedResultBlob.create({ serializer: { type: "x" }, data: "", expiration: "not a date" }), /expiration.*not a valid date/);
    assert.throws(() => PersistedResultBlob.create({ serializer: { type: "x" }, data: 42 as unknown as string }), /data must be/);
    assert.throws(() => PersistedResultBlob.create({ serializer: { type: "" }, data: "" }), /string `type`/);
    assert.throws(() => PersistedResultBlob.create({ serializer: { type: "x", n: 1n }, data: "" }), /not JSON-able/);
  });

  void it("tells whether a blob has expired", () => {
    const expiring = PersistedResultBlob.create({ serializer: { type: "x" }, data: "", expiration: "2030-01-01T00:00:00Z" });
    assert.equal(PersistedResultBlob.isExpired(expiring, new Date("2029-12-31T23:59:59Z")), false);
    assert.equal(PersistedResultBlob.isExpired(expiring, new Date("2030-01-01T00:00:00Z")), true);
    assert.equal(PersistedResultBlob.isExpired(makeBlob()), false);
  });

  void it("reads the committed format-1 fixture, forever", async () => {
    const bytes = await readFile(fixtureUrl);
    const blob = decodePersistedResultBlob(bytes, { key: "fixture", storage });
    assert.equal(blob.integrity, "sha256-U5KbiP3B2oakHSwzw5zVlT0ksBT2eGG3n31LDmvRir0=");
    assert.deepEqual(blob.serializer, { type: "json", undefinedProperties: "omit", indent: 0 });
    assert.equal(blob.expiration, "2030-01-01T00:00:00.000Z");
    assert.deepEqual(JSON.parse(blob.data), { user: "Marvin", number: 42, message: "Welcome, Marvin to the Club 42! 👋" });
  });

  void it("reads the example blob of docs/result-blob.md", async () => {
    const doc = await readFile(new URL("../../docs/result-blob.md", import.meta.url), "utf8");
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    assert.ok(example !== undefined, "docs/result-blob.md has a ```json example");
    const blob = PersistedResultBlob.parse(JSON.parse(example));
    assert.equal(blob.cairn, 1);
  });

  void it("accepts any key order and whitespace (the hash is over canonical JSON)", async () => {
    const blob = makeBlob();
    const reordered = {
      data: blob.data,
      integrity: blob.integrity,
      serializer: Object.fromEntries(Object.entries(blob.serializer).reverse()),
      createdAt: blob.createdAt,
      expiration: blob.expiration,
      cairnVersion: blob.cairnVersion,
      cairn: blob.cairn,
    };
    const read = await storeAndDecode("pretty.json", Buffer.from(JSON.stringify(reordered, null, 2)));
    assert.deepEqual(read(), blob);
  });

  void it("dispatches on the format version and has a reader for every version up to the current one", () => {
    for (let v = 1; v <= RESULT_BLOB_FORMAT_VERSION; v++) assert.ok(RESULT_BLOB_READERS.has(v), `no reader for format ${v}`);
    assert.equal(RESULT_BLOB_READERS.has(RESULT_BLOB_FORMAT_VERSION + 1), false);
  });

  void it("refuses a newer format with a message saying to upgrade Cairn", async () => {
    const future = { ...makeBlob(), cairn: 2, cairnVersion: "9.1.0", somethingNew: true };
    const read = await storeAndDecode("future.json", Buffer.from(JSON.stringify(future)));
    assert.throws(read, (err: unknown) => {
      assert.ok(err instanceof UnsupportedResultBlobVersionError);
      assert.equal(err.code, "RESULT_BLOB_VERSION_UNSUPPORTED");
      assert.equal(err.version, 2);
      assert.equal(err.writtenBy, "9.1.0");
      assert.match(err.message, /format version 2 \(written by Cairn 9\.1\.0\)/);
      assert.match(err.message, /reads format versions 1 to 1/);
      assert.match(err.message, /Upgrade Cairn to 9\.1\.0 or later/);
      assert.ok(err.message.includes('"future.json"') && err.message.includes(storage.describe()), err.message);
      return true;
    });
    assert.throws(() => PersistedResultBlob.parse({ cairn: 7 }), /version 7.*Upgrade Cairn to read it/);
  });

  void it("refuses versions that never existed, or a missing version, as corrupted", async () => {
    for (const cairn of [0, -1, 1.5, "1", null]) {
      const read = await storeAndDecode("bad-version.json", Buffer.from(JSON.stringify({ ...makeBlob(), cairn })));
      assertCorrupted(read, "bad-version.json", /no valid `cairn` format version/);
    }
    const { cairn: _omitted, ...rest } = makeBlob();
    assertCorrupted(await storeAndDecode("no-version.json", Buffer.from(JSON.stringify(rest))), "no-version.json", /not a Cairn result blob/);
  });
});

void describe("corrupted blobs are refused, naming key and storage", () => {
  const good = (): Buffer => Buffer.from(encodePersistedResultBlob(makeBlob()));

  void it("an empty file", async () => {
    assertCorrupted(await storeAndDecode("c/empty", new Uint8Array(0)), "c/empty", /empty \(0 bytes\)/);
  });

  void it("a truncated file, at any length", async () => {
    const bytes = good();
    for (const length of [1, 10, Math.floor(bytes.length / 2), bytes.length - 3, bytes.length - 2]) {
      assertCorrupted(await storeAndDecode("c/truncated", bytes.subarray(0, length)), "c/truncated", /not valid (JSON|UTF-8)/);
    }
  });

  void it("a flipped byte in data", async () => {
    const bytes = good();
    const at = bytes.indexOf("Marvin");
    bytes[at] = "N".charCodeAt(0);
    assertCorrupted(await storeAndDecode("c/flipped", bytes), "c/flipped", /integrity hash does not match/);
  });

  void it("a flipped bit anywhere gives an error, never a wrong value", async () => {
    const original = good();
    const blob = makeBlob();
    for (let i = 0; i < original.length - 1; i += 7) {
      const bytes = Buffer.from(original);
      bytes[i] = (bytes[i] ?? 0) ^ 0x04;
      try {
        const read = decodePersistedResultBlob(bytes, { key: "c/bit", storage });
        // Only a change JSON cannot see (e.g. in insignificant whitespace) may pass.
        assert.equal(read.data, blob.data);
        assert.deepEqual(read.serializer, blob.serializer);
      } catch (err) {
        assert.ok(err instanceof ResultIntegrityError || err instanceof UnsupportedResultBlobVersionError, String(err));
      }
    }
  });

  void it("an edited serializer config", async () => {
    const obj = JSON.parse(good().toString()) as { serializer: { space: number } };
    obj.serializer.space = 2;
    assertCorrupted(await storeAndDecode("c/serializer", Buffer.from(JSON.stringify(obj))), "c/serializer", /integrity hash does not match/);
  });

  void it("an edited expiration, createdAt or cairnVersion", async () => {
    for (const edit of [{ expiration: "2099-01-01T00:00:00.000Z" }, { createdAt: "2000-01-01T00:00:00.000Z" }, { cairnVersion: "0.0.1" }]) {
      const obj = { ...(JSON.parse(good().toString()) as object), ...edit };
      assertCorrupted(await storeAndDecode("c/edited", Buffer.from(JSON.stringify(obj))), "c/edited", /integrity hash does not match/);
    }
  });

  void it("bad JSON", async () => {
    assertCorrupted(await storeAndDecode("c/json", Buffer.from("{not json")), "c/json", /not valid JSON/);
  });

  void it("invalid UTF-8", async () => {
    const bytes = good();
    bytes[bytes.indexOf("Marvin")] = 0xff;
    assertCorrupted(await storeAndDecode("c/utf8", bytes), "c/utf8", /not valid UTF-8/);
  });

  void it("JSON that is not an object", async () => {
    for (const text of ["[]", "42", "null", '"text"']) {
      assertCorrupted(await storeAndDecode("c/shape", Buffer.from(text)), "c/shape", /not a JSON object/);
    }
  });

  void it("a wrong shape, listing every bad field", async () => {
    const obj = JSON.parse(good().toString()) as Record<string, unknown>;
    delete obj["createdAt"];
    obj["data"] = 42;
    obj["serializer"] = { noType: true };
    obj["integrity"] = "md5-abc";
    obj["extra"] = "field";
    const read = await storeAndDecode("c/fields", Buffer.from(JSON.stringify(obj)));
    assertCorrupted(read, "c/fields", /its fields are invalid/);
    assert.throws(read, (err: unknown) => {
      const reason = (err as ResultIntegrityError).reason;
      for (const field of ["createdAt", "data", "serializer.type", "integrity", "extra"]) {
        assert.ok(reason.includes(field), `reason should list ${field}: ${reason}`);
      }
      return true;
    });
  });

  void it("without a source, the message still reads well", () => {
    assert.throws(() => PersistedResultBlob.parse([]), /^ResultIntegrityError: The result blob is corrupted: it is not a JSON object/);
  });
});

void describe("20 MB results", () => {
  void it("round-trip exactly (timings in the diagnostics, not asserted)", async (t) => {
    const cases = {
      base64: randomBytes(15 * 1024 * 1024).toString("base64"),
      "JSON text": JSON.stringify(Array.from({ length: 370_000 }, (_, i) => ({ id: i, name: `user "${i}" ü`, tags: ["a", "b"] }))),
    };
    for (const [label, data] of Object.entries(cases)) {
      const best = { create: Infinity, encode: Infinity, decode: Infinity };
      for (let round = 0; round < 3; round++) {
        let start = performance.now();
        const blob = PersistedResultBlob.create({ serializer: { type: "x" }, data, expiration: null });
        best.create = Math.min(best.create, performance.now() - start);
        start = performance.now();
        const bytes = encodePersistedResultBlob(blob);
        best.encode = Math.min(best.encode, performance.now() - start);
        start = performance.now();
        const back = decodePersistedResultBlob(bytes, { key: "big", storage });
        best.decode = Math.min(best.decode, performance.now() - start);
        assert.ok(back.data === data, "data differs");
      }
      t.diagnostic(
        `${label}, ${(data.length / 1048576).toFixed(1)} MiB: create ${best.create.toFixed(1)} ms, ` +
          `encode ${best.encode.toFixed(1)} ms, decode ${best.decode.toFixed(1)} ms (best of 3)`,
      );
    }
  });
});
