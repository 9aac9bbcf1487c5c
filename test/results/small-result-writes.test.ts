import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { flow, task, LocalFileSystem, PersistedResult } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import type { PersistRequest } from "../../src/results/result-store.js";
import { decodePersistedResultBlob } from "../../src/results/result-blob.js";
import { filesUnder } from "./helpers.js";

let t: TestEngine;
let n = 0;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

function request(storage: LocalFileSystem, resultSerializer?: string): PersistRequest {
  return { resultStorage: storage, resultSerializer, key: undefined, expiration: null, cacheResultInMemory: true, subject: "task 'small'" };
}

describe("small results on a local disk: written synchronously, same guarantees", () => {
  for (const serializer of ["msgpack", "json"]) {
    it(`persist returns the reference without a promise once the storage is known, the blob complete on disk (${serializer})`, async () => {
      const dir = join(t.home, `sync-${n++}`);
      const storage = new LocalFileSystem({ basepath: dir });
      const first = t.engine.results.persist({ n: 1 }, request(storage, serializer));
      assert.ok(first instanceof Promise, "the first write resolves the storage and verifies its directory");
      await first;
      const second = t.engine.results.persist({ n: 2, text: "é" }, request(storage, serializer));
      assert.ok(second instanceof PersistedResult, "later small writes need no promise");
      // When persist returns, the file is under its final name, whole, with the integrity the reference records.
      const blob = decodePersistedResultBlob(readFileSync(join(dir, second.storageKey)), { key: second.storageKey, storage: storage.describe() });
      assert.equal(blob.integrity, second.integrity);
      assert.equal(blob.serializer.type, serializer);
      assert.equal(filesUnder(dir).length, 2);
      assert.ok(filesUnder(dir).every((f) => !f.endsWith(".tmp")));
    });
  }

  it("a small result that cannot be written fails its run with the storage's error, and no reference is recorded", async () => {
    const dir = join(t.home, `sync-${n++}`);
    const storage = new LocalFileSystem({ basepath: dir });
    const small = task({ name: "small", resultStorage: storage }, (i: number) => ({ i }));
    let second: Awaited<ReturnType<typeof small.returnState>> | undefined;
    const twice = flow({ name: "two-small" }, async () => {
      await small(1);
      // The base folder becomes a file: the synchronous write fails, and writePath reports why.
      rmSync(dir, { recursive: true });
      writeFileSync(dir, "in the way");
      second = await small.returnState(2);
    });
    await t.engine.run(() => twice());
    assert.ok(second !== undefined);
    assert.equal(second.type, "FAILED");
    assert.match(second.message ?? "", /is a file, not a directory/);
    assert.ok((second.message ?? "").includes(dir), second.message);
    assert.equal(second.data?.type === "reference", false);
  });
});
