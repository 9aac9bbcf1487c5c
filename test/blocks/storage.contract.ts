/**
 * The contract every storage block (`WritableFileSystem`) must meet. Each
 * implementation's test file calls `runStorageContract` with a factory that makes a
 * fresh, empty storage per test.
 *
 * @example
 * ```ts
 * runStorageContract("LocalFileSystem", async () => {
 *   const dir = await mkdtemp(join(tmpdir(), "cairn-"));
 *   return { storage: new LocalFileSystem({ basepath: dir }), cleanup: () => rm(dir, { recursive: true }) };
 * });
 * ```
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { isStorageError, StorageErrorCode } from "../../src/blocks/storage-error.js";
import type { StoredPathInfo, WritableFileSystem } from "../../src/blocks/writable-file-system.js";

/** A storage under test and how to dispose of it. */
export interface StorageUnderTest {
  storage: WritableFileSystem;
  cleanup?: () => Promise<void>;
}

/** Keys that every storage must refuse, and a word each message must contain. */
export const ESCAPING_KEYS: readonly string[] = [
  "../outside.json",
  "a/../../outside.json",
  "a/..",
  "..",
  "/etc/passwd",
  "/abs/key",
  "a\0b",
  "",
  "a//b",
  "./a",
  "a/./b",
  "a/",
  "C:\\Windows\\x",
  "a\\..\\..\\b",
  "a/\ud800",
];

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);
const textOf = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

async function collect(iterable: AsyncIterable<StoredPathInfo>): Promise<StoredPathInfo[]> {
  const out: StoredPathInfo[] = [];
  for await (const item of iterable) out.push(item);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Asserts that `promise` rejects with a StorageError of `code` naming `key` and the storage. */
async function rejectsNaming(
  promise: Promise<unknown>,
  code: StorageErrorCode,
  key: string,
  storage: WritableFileSystem,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isStorageError(err), `expected a StorageError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.ok(err.message.includes(JSON.stringify(key)), `message should name the key ${JSON.stringify(key)}: ${err.message}`);
    assert.ok(err.message.includes(storage.describe()), `message should name the storage: ${err.message}`);
    return true;
  });
}

/**
 * Registers the storage contract tests under `describe(name)`.
 * `makeStorage` must return a fresh, empty storage each time.
 */
export function runStorageContract(
  name: string,
  makeStorage: () => Promise<StorageUnderTest> | StorageUnderTest,
): void {
  const withStorage = (fn: (storage: WritableFileSystem) => Promise<void>) => async () => {
    const { storage, cleanup } = await makeStorage();
    try {
      await fn(storage);
    } finally {
      await cleanup?.();
    }
  };

  void describe(`storage contract: ${name}`, () => {
    void it("has a block type slug, a description and a JSON-able config", withStorage(async (storage) => {
      assert.match(storage.blockTypeSlug, /^[a-z0-9-]+$/);
      assert.ok(storage.describe().length > 0);
      const config = storage.toConfig();
      assert.deepEqual(JSON.parse(JSON.stringify(config)), config);
    }));

    void it("reads back what it wrote", withStorage(async (storage) => {
      await storage.writePath("hello.json", bytesOf('{"hello":"world"}'));
      const bytes = await storage.readPath("hello.json");
      assert.ok(bytes instanceof Uint8Array);
      assert.equal(textOf(bytes), '{"hello":"world"}');
    }));

    void it("stores an empty object", withStorage(async (storage) => {
      await storage.writePath("empty", new Uint8Array(0));
      assert.equal((await storage.readPath("empty")).byteLength, 0);
    }));

    void it("refuses to read a missing key with RESULT_NOT_FOUND naming key and storage", withStorage(async (storage) => {
      for (const key of ["missing.json", "no/such/dir/x.json"]) {
        await rejectsNaming(storage.readPath(key), StorageErrorCode.NotFound, key, storage);
      }
      await assert.rejects(storage.readPath("missing.json"), /pruned|another storage/);
    }));

    void it("reads a missing key as missing when a file sits where a directory would", withStorage(async (storage) => {
      await storage.writePath("file", bytesOf("x"));
      await rejectsNaming(storage.readPath("file/below"), StorageErrorCode.NotFound, "file/below", storage);
    }));

    void it("stores nested keys", withStorage(async (storage) => {
      const keys = ["a/b/c.json", "a/b/d.json", "a/e.json", "f.json", "deep/1/2/3/4/5/6/7/8/leaf"];
      for (const key of keys) await storage.writePath(key, bytesOf(`value of ${key}`));
      for (const key of keys) assert.equal(textOf(await storage.readPath(key)), `value of ${key}`);
    }));

    void it("stores a 20 MB object byte-exact", withStorage(async (storage) => {
      const big = randomBytes(20 * 1024 * 1024);
      await storage.writePath("big/blob.bin", big);
      const back = await storage.readPath("big/blob.bin");
      assert.equal(back.byteLength, big.byteLength);
      assert.ok(Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(big), "bytes differ");
    }));

    void it("overwrites: a shorter second version leaves nothing of the first", withStorage(async (storage) => {
      await storage.writePath("k", bytesOf("a long first version of the object"));
      await storage.writePath("k", bytesOf("short"));
      assert.equal(textOf(await storage.readPath("k")), "short");
    }));

    void it("concurrent writes to one key end with one whole version; readers never see a mix", withStorage(async (storage) => {
      const size = 256 * 1024;
      const versions = Array.from({ length: 16 }, (_, i) => Buffer.alloc(size + i * 1024, i + 1));
      const seen: Uint8Array[] = [];
      let writing = true;
      const reader = (async () => {
        while (writing) {
          try {
            seen.push(await storage.readPath("shared/key.bin"));
          } catch (err) {
            if (!isStorageError(err, StorageErrorCode.NotFound)) throw err;
          }
        }
      })();
      try {
        for (let round = 0; round < 3; round++) {
          await Promise.all(versions.map((v) => storage.writePath("shared/key.bin", v)));
        }
      } finally {
        writing = false;
        await reader;
      }
      const isWhole = (bytes: Uint8Array): boolean => {
        const fill = bytes[0] ?? 0;
        const expected = versions[fill - 1];
        return expected !== undefined && Buffer.from(bytes).equals(expected);
      };
      assert.ok(isWhole(await storage.readPath("shared/key.bin")), "final object is not one whole version");
      for (const bytes of seen) assert.ok(isWhole(bytes), `a reader saw a mixed or partial object (${bytes.byteLength} bytes)`);
    }));

    void it("concurrent writes to different keys all land", withStorage(async (storage) => {
      const keys = Array.from({ length: 300 }, (_, i) => `many/${i % 7}/key-${i}.json`);
      await Promise.all(keys.map((key) => storage.writePath(key, bytesOf(key))));
      const back = await Promise.all(keys.map((key) => storage.readPath(key)));
      back.forEach((bytes, i) => assert.equal(textOf(bytes), keys[i]));
    }));

    void it("refuses keys that are invalid or would escape the base, naming key and storage", withStorage(async (storage) => {
      for (const key of ESCAPING_KEYS) {
        await rejectsNaming(storage.writePath(key, bytesOf("x")), StorageErrorCode.InvalidKey, key, storage);
        await rejectsNaming(storage.readPath(key), StorageErrorCode.InvalidKey, key, storage);
        if (storage.exists) await rejectsNaming(storage.exists(key), StorageErrorCode.InvalidKey, key, storage);
        if (storage.deletePath) await rejectsNaming(storage.deletePath(key), StorageErrorCode.InvalidKey, key, storage);
      }
      await assert.rejects(storage.readPath("../x"), /'\.\.' segment/);
      await assert.rejects(storage.readPath("/etc/passwd"), /absolute/);
      await assert.rejects(storage.readPath("a\0b"), /NUL/);
      await assert.rejects(storage.readPath("x".repeat(1025)), /longer than 1024 bytes/);
    }));

    void it("stores Unicode keys", withStorage(async (storage) => {
      const keys = ["résultats/données.json", "数据/结果.json", "emoji/🎉✨.bin", "ñ", "spaces and (parens) + plus=equals.json"];
      for (const key of keys) await storage.writePath(key, bytesOf(key));
      for (const key of keys) assert.equal(textOf(await storage.readPath(key)), key);
    }));

    void it("tells whether a key exists (when supported)", withStorage(async (storage) => {
      if (!storage.exists) return;
      assert.equal(await storage.exists("x/y.json"), false);
      await storage.writePath("x/y.json", bytesOf("1"));
      assert.equal(await storage.exists("x/y.json"), true);
      assert.equal(await storage.exists("x"), false, "a directory-like prefix is not an object");
      assert.equal(await storage.exists("x/y.json/z"), false);
    }));

    void it("deletes idempotently (when supported)", withStorage(async (storage) => {
      if (!storage.deletePath) return;
      await storage.writePath("d/e.json", bytesOf("1"));
      await storage.deletePath("d/e.json");
      await rejectsNaming(storage.readPath("d/e.json"), StorageErrorCode.NotFound, "d/e.json", storage);
      await storage.deletePath("d/e.json");
      await storage.deletePath("never/written.json");
    }));

    void it("lists keys by string prefix, with sizes (when supported)", withStorage(async (storage) => {
      if (!storage.listPaths) return;
      assert.deepEqual(await collect(storage.listPaths()), []);
      const files: Record<string, string> = { "a/1": "1", "a/2": "22", "ab": "333", "b/c/d": "4444", "é/ü": "5" };
      for (const [key, text] of Object.entries(files)) await storage.writePath(key, bytesOf(text));
      const all = await collect(storage.listPaths());
      assert.deepEqual(all.map((f) => f.path), Object.keys(files).sort());
      for (const f of all) {
        assert.equal(f.size, Buffer.byteLength(files[f.path] ?? ""));
        assert.ok(f.modifiedAt instanceof Date && !Number.isNaN(f.modifiedAt.getTime()));
      }
      const paths = async (prefix: string) => (await collect(storage.listPaths!(prefix))).map((f) => f.path);
      assert.deepEqual(await paths("a/"), ["a/1", "a/2"]);
      assert.deepEqual(await paths("a"), ["a/1", "a/2", "ab"]);
      assert.deepEqual(await paths("b/c/"), ["b/c/d"]);
      assert.deepEqual(await paths("b/c/d"), ["b/c/d"]);
      assert.deepEqual(await paths("é"), ["é/ü"]);
      assert.deepEqual(await paths("zzz/"), []);
      await assert.rejects(collect(storage.listPaths("../")), (err: unknown) => isStorageError(err, StorageErrorCode.InvalidKey));
    }));

    void it("writes in parts at any positions, visible only after commit, byte-exact (when supported)", withStorage(async (storage) => {
      if (!storage.openWriter) return;
      for (const size of [0, 1000, 12 * 1024 * 1024 + 333]) {
        const bytes = randomBytes(size);
        const key = `parts/${size}.bin`;
        const writer = await storage.openWriter(key);
        // As a framed blob is written: all but a short head first, at an unaligned offset, then the head at 0.
        const headLength = Math.min(size, 211);
        if (size > headLength) await writer.write(bytes.subarray(headLength), headLength);
        await rejectsNaming(storage.readPath(key), StorageErrorCode.NotFound, key, storage);
        if (storage.listPaths) assert.deepEqual((await collect(storage.listPaths("parts/"))).map((f) => f.path).filter((p) => p === key), []);
        if (headLength > 0) await writer.write(bytes.subarray(0, headLength), 0);
        await writer.commit();
        assert.ok(Buffer.from(await storage.readPath(key)).equals(bytes), `size ${size}`);
      }
    }));

    void it("an aborted write in parts leaves nothing under the key, nor the old object changed (when supported)", withStorage(async (storage) => {
      if (!storage.openWriter) return;
      const key = "aborted/one.bin";
      const writer = await storage.openWriter(key);
      await writer.write(randomBytes(11 * 1024 * 1024), 0);
      await writer.abort();
      await writer.abort();
      await rejectsNaming(storage.readPath(key), StorageErrorCode.NotFound, key, storage);
      await storage.writePath(key, bytesOf("old"));
      const again = await storage.openWriter(key);
      await again.write(randomBytes(6 * 1024 * 1024), 0);
      await again.abort();
      assert.equal(textOf(await storage.readPath(key)), "old");
      if (storage.listPaths) assert.deepEqual((await collect(storage.listPaths("aborted/"))).map((f) => f.path), [key]);
    }));

    void it("reads in parts at any positions; a missing key is RESULT_NOT_FOUND (when supported)", withStorage(async (storage) => {
      if (!storage.openReader) return;
      await rejectsNaming(storage.openReader("no/such.bin"), StorageErrorCode.NotFound, "no/such.bin", storage);
      const bytes = randomBytes(9 * 1024 * 1024 + 17);
      await storage.writePath("read/parts.bin", bytes);
      const reader = await storage.openReader("read/parts.bin");
      try {
        assert.equal(reader.size, bytes.length);
        const out = Buffer.alloc(bytes.length);
        // The head first, then everything after it in parts (forward), then a look back and past the end.
        let at = 0;
        for (const length of [65_536, 4 * 1024 * 1024, 4 * 1024 * 1024, 1024 * 1024]) {
          let done = 0;
          while (done < length && at + done < bytes.length) {
            const n = await reader.read(out, at + done, Math.min(length - done, bytes.length - at - done), at + done);
            assert.ok(n > 0);
            done += n;
          }
          at += done;
        }
        assert.ok(out.equals(bytes));
        const back = Buffer.alloc(100);
        let got = 0;
        while (got < 100) got += await reader.read(back, got, 100 - got, 1000 + got);
        assert.ok(back.equals(bytes.subarray(1000, 1100)));
        assert.equal(await reader.read(Buffer.alloc(10), 0, 10, bytes.length), 0);
      } finally {
        await reader.close();
        await reader.close();
      }
    }));
  });
}
