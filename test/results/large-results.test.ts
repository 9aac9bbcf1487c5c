import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LocalFileSystem, loadSettings, readResult, task, type PersistedResult, type WritableFileSystem } from "../../src/index.js";
import { ResultIntegrityError } from "../../src/results/blob/result-integrity-error.js";
import { decodePersistedResultBlob } from "../../src/results/result-blob.js";
import { MsgpackSerializer, resolveSerializer } from "../../src/serializers/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { decodeAll, filesUnder } from "./helpers.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

/** About 2.4 MB of msgpack: large enough to be written and read in parts. */
function largeValue(): { samples: Float64Array; rows: Array<{ i: number; s: string }> } {
  const samples = new Float64Array(250_000).map((_, i) => Math.sin(i));
  return { samples, rows: Array.from({ length: 20_000 }, (_, i) => ({ i, s: `row-${i}` })) };
}

/** A LocalFileSystem that counts how it is written and read (the real one underneath). */
class CountingFileSystem extends LocalFileSystem {
  counts = { openWriter: 0, openReader: 0, writePath: 0, readPath: 0 };
  override openWriter(path: string): ReturnType<LocalFileSystem["openWriter"]> {
    this.counts.openWriter++;
    return super.openWriter(path);
  }
  override openReader(path: string): ReturnType<LocalFileSystem["openReader"]> {
    this.counts.openReader++;
    return super.openReader(path);
  }
  override writePath(path: string, bytes: Uint8Array): Promise<void> {
    this.counts.writePath++;
    return super.writePath(path, bytes);
  }
  override readPath(path: string): Promise<Uint8Array> {
    this.counts.readPath++;
    return super.readPath(path);
  }
}

describe("large results on local storage (written and read in parts)", () => {
  it("persist a framed blob (raw bytes after a JSON head line), read back equal, also after the in-memory copy is gone", async () => {
    const basepath = join(t.home, "large-1");
    const storage = new CountingFileSystem({ basepath });
    const value = largeValue();
    const big = task({ persistResult: true, resultStorage: storage, cacheResultInMemory: false }, () => value);
    const state = await t.engine.run(() => big.returnState());
    const ref = state.data as PersistedResult;
    assert.deepEqual(filesUnder(basepath), [ref.storageKey], "one file, no temporary left");
    const file = readFileSync(join(basepath, ref.storageKey));
    const newline = file.indexOf(0x0a);
    const head = JSON.parse(file.toString("utf8", 0, newline)) as { cairn: number; layout: string; byteLength: number; integrity: string };
    assert.equal(head.cairn, 1);
    assert.equal(head.layout, "framed");
    assert.equal(head.integrity, ref.integrity);
    const msgpack = await new MsgpackSerializer().dumpsBytes(value);
    assert.equal(head.byteLength, msgpack.byteLength);
    assert.equal(file.length, newline + 1 + msgpack.byteLength, "the head line, then exactly the msgpack bytes");
    assert.ok(file.length <= msgpack.byteLength * 1.01, "storage bytes within 1% of the msgpack size");
    assert.ok(file.subarray(newline + 1).equals(Buffer.from(msgpack)), "the raw bytes, no base64");
    const blob = decodePersistedResultBlob(file, { key: ref.storageKey, storage });
    assert.equal(blob.layout, "framed");
    assert.deepEqual(await resolveSerializer(blob.serializer).loads(blob.data), value, "the general reader decodes it");
    assert.deepEqual(await t.engine.run(() => readResult(ref.storageKey, { storage })), value);
    assert.deepEqual(await ref.get(), value);
    assert.deepEqual(storage.counts, { openWriter: 1, openReader: 2, writePath: 0, readPath: 0 }, "written and read in parts, never whole");
  });

  it("below CAIRN_RESULTS_FRAMED_MIN_BYTES a binary result stays one JSON document (base64, written in parts)", async () => {
    const other = createTestEngine({ CAIRN_RESULTS_FRAMED_MIN_BYTES: String(64 * 1024 * 1024) });
    try {
      const basepath = join(other.home, "large-doc");
      const storage = new CountingFileSystem({ basepath });
      const value = largeValue();
      const big = task({ persistResult: true, resultStorage: storage, cacheResultInMemory: false }, () => value);
      const ref = (await other.engine.run(() => big.returnState())).data as PersistedResult;
      assert.deepEqual(await decodeAll(basepath), [value], "the seed's JSON.parse + PersistedResultBlob.parse reader decodes it");
      assert.deepEqual(await ref.get(), value);
      assert.deepEqual(storage.counts, { openWriter: 1, openReader: 1, writePath: 0, readPath: 0 });
    } finally {
      await other.cleanup();
    }
  });

  it("CAIRN_RESULTS_FRAMED_MIN_BYTES is validated: a bad value is refused with the expected form", () => {
    for (const bad of ["1MB", "-1", "1.5", ""]) {
      assert.throws(() => loadSettings({ env: { CAIRN_RESULTS_FRAMED_MIN_BYTES: bad } }).get("CAIRN_RESULTS_FRAMED_MIN_BYTES"),
        /CAIRN_RESULTS_FRAMED_MIN_BYTES must be a whole number of bytes, such as 1048576, got/, bad);
    }
    assert.equal(loadSettings({ env: { CAIRN_RESULTS_FRAMED_MIN_BYTES: " 0 " } }).get("CAIRN_RESULTS_FRAMED_MIN_BYTES"), 0);
    assert.equal(loadSettings({ env: {} }).get("CAIRN_RESULTS_FRAMED_MIN_BYTES"), 1048576);
  });

  it("refuse a large result with a flipped byte or a cut end, naming key and storage", async () => {
    const basepath = join(t.home, "large-2");
    const storage = new LocalFileSystem({ basepath });
    const big = task({ persistResult: true, resultStorage: storage }, () => largeValue());
    const key = ((await t.engine.run(() => big.returnState())).data as PersistedResult).storageKey;
    const file = join(basepath, key);
    const original = readFileSync(file);
    const flipped = Buffer.from(original);
    flipped[1_500_000] = flipped[1_500_000] === 0x41 ? 0x42 : 0x41;
    writeFileSync(file, flipped);
    const named = (reason: RegExp) => (err: unknown) =>
      err instanceof ResultIntegrityError && reason.test(err.message) && err.message.includes(key) && err.message.includes(storage.describe());
    await assert.rejects(t.engine.run(() => readResult(key, { storage })), named(/integrity hash does not match/));
    writeFileSync(file, original.subarray(0, 1_000_000));
    await assert.rejects(t.engine.run(() => readResult(key, { storage })), (err: unknown) =>
      err instanceof ResultIntegrityError && err.message.includes(key));
  });

  it("fail the run and leave no file when the storage fails mid-write", async () => {
    const basepath = join(t.home, "large-3");
    const local = new LocalFileSystem({ basepath });
    let parts = 0;
    // A fault-injecting wrapper (named as such): the first write (the raw bytes) fails like a full disk.
    const failingStorage: WritableFileSystem = {
      blockTypeSlug: "local-file-system",
      readPath: (p) => local.readPath(p),
      writePath: (p, b) => local.writePath(p, b),
      describe: () => local.describe(),
      toConfig: () => local.toConfig(),
      async openWriter(p) {
        const writer = await local.openWriter(p);
        return {
          write: async (bytes, position) => {
            if (++parts === 1) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
            await writer.write(bytes, position);
          },
          commit: () => writer.commit(),
          abort: () => writer.abort(),
        };
      },
    };
    const big = task({ persistResult: true, resultStorage: failingStorage, name: "big-on-full-disk" }, () => ({ blob: new Uint8Array(12_000_000).fill(7) }));
    const state = await t.engine.run(() => big.returnState());
    assert.equal(state.type, "FAILED");
    assert.match(state.message ?? "", /no space left/);
    assert.deepEqual(filesUnder(basepath), [], "neither the result nor a temporary file is left");
  });
});
