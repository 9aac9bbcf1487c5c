import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PersistedResult} from "../../src/index.js";
import {
  Engine, LocalFileSystem, loadSettings, readResult, readResultReference, ResultIntegrityError,
  ResultReplacedError, ResultTooLargeError, task, type ResultRecord,
} from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

const resultsDir = (): string => join(t.home, "results");
const blobIntegrity = (key: string): string => (JSON.parse(readFileSync(join(resultsDir(), key), "utf8")) as { integrity: string }).integrity;

describe("result references record the blob's integrity hash (issue 10, defect 4)", () => {
  it("the reference in the state's data holds exactly the blob's integrity string", async () => {
    const make = task({ persistResult: true, name: "integrity-recorded" }, () => ({ a: 1 }));
    const state = await t.engine.run(() => make.returnState());
    const result = state.data as PersistedResult;
    assert.equal(result.integrity, blobIntegrity(result.storageKey));
    const client = await t.engine.client();
    const [row] = await client.readTaskRuns({ taskKey: make.taskKey });
    const record = JSON.parse(row!.stateData!) as Extract<ResultRecord, { type: "reference" }>;
    assert.equal(record.integrity, blobIntegrity(result.storageKey));
    assert.match(record.integrity!, /^sha256-[A-Za-z0-9+/]{43}=$/);
  });

  it("a valid blob of another key copied over a result is refused when read through the reference", async () => {
    const make = task({ persistResult: true, cacheResultInMemory: false, name: "swapped" }, (n: number) => ({ n }));
    const first = await t.engine.run(() => make.returnState(1));
    const second = await t.engine.run(() => make.returnState(2));
    const a = first.data as PersistedResult;
    const b = second.data as PersistedResult;
    copyFileSync(join(resultsDir(), b.storageKey), join(resultsDir(), a.storageKey));
    await assert.rejects(first.result(), (err: unknown) => {
      assert.ok(err instanceof ResultReplacedError, String(err));
      assert.equal(err.code, "RESULT_REPLACED");
      assert.equal(err.key, a.storageKey);
      assert.equal(err.expected, a.integrity);
      assert.equal(err.found, b.integrity);
      assert.match(err.message, new RegExp(`The result at key "${a.storageKey}" in local-file-system at .* was replaced since task run 'swapped-\\d+' wrote it`));
      assert.ok(err.message.includes(`expected ${a.integrity}, found ${b.integrity}`), err.message);
      assert.match(err.message, /Run the task or flow that produced it again/);
      return true;
    });
    // Reading the bare key has no reference to compare with: it keeps today's behaviour.
    assert.deepEqual(await t.engine.run(() => readResult(a.storageKey)), { n: 2 });
  });

  it("readResultReference: integrity, the recorded hash, a size cap; an old reference without integrity still reads", async () => {
    const storage = new LocalFileSystem({ basepath: join(t.home, "refs") });
    const make = task({ persistResult: true, resultStorage: storage, name: "ref-read" }, (n: number) => ({ n, pad: "x".repeat(2000) }));
    const a = (await t.engine.run(() => make.returnState(1))).data as PersistedResult;
    const b = (await t.engine.run(() => make.returnState(2))).data as PersistedResult;
    const record = JSON.parse(JSON.stringify(a.toRecord())) as Extract<ResultRecord, { type: "reference" }>;
    assert.deepEqual(await readResultReference(record, { storage }), { n: 1, pad: "x".repeat(2000) });
    await assert.rejects(readResultReference(record, { storage, maxBytes: 100 }), (err: unknown) => {
      assert.ok(err instanceof ResultTooLargeError);
      assert.equal(err.code, "RESULT_TOO_LARGE");
      assert.match(err.message, new RegExp(`The result at key "${a.storageKey}" in local-file-system at .* is \\d+ bytes, more than the 100 bytes`));
      return true;
    });
    await storage.writePath(a.storageKey, await storage.readPath(b.storageKey));
    await assert.rejects(readResultReference(record, { storage, writtenBy: "task run 'ref-read-0' (abc)" }),
      (err: unknown) => err instanceof ResultReplacedError && /since task run 'ref-read-0' \(abc\) wrote it/.test(err.message));
    const { integrity: _dropped, ...old } = record;
    assert.deepEqual(await readResultReference(old, { storage }), { n: 2, pad: "x".repeat(2000) }, "no integrity recorded: the blob's own check only");
    // A corrupted blob is still a corruption error (its own hash is checked first), not "replaced".
    const bytes = Buffer.from(await storage.readPath(a.storageKey));
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0x01;
    await storage.writePath(a.storageKey, bytes);
    await assert.rejects(readResultReference(record, { storage }), (err: unknown) => err instanceof ResultIntegrityError);
  });

  it("a cache entry whose blob was replaced is a miss with that reason in the run's logs", async () => {
    const fresh = (): Engine => new Engine({ settings: loadSettings({ env: t.env, cwd: t.home }) });
    let calls = 0;
    const cached = task({ cacheKeyFn: () => "fixed-key-replaced", name: "replaced-entry" }, () => ({ n: ++calls }));
    const other = task({ persistResult: true, name: "other-blob" }, () => ({ n: 100 }));
    const entry = (await t.engine.run(() => cached.returnState())).data as PersistedResult;
    const donor = (await t.engine.run(() => other.returnState())).data as PersistedResult;
    copyFileSync(join(resultsDir(), donor.storageKey), join(resultsDir(), entry.storageKey));
    const engine = fresh();
    const state = await engine.run(() => cached.returnState());
    await engine.close();
    assert.equal(state.name, "Completed", "a miss: the task ran again");
    assert.deepEqual(await state.result(), { n: 2 });
    const client = await t.engine.client();
    const runs = await client.readTaskRuns({ taskKey: cached.taskKey });
    const logs = await client.readLogs({ taskRunId: runs.at(-1)!.id });
    const warning = logs.find((l) => /cache miss/.test(l.message));
    assert.ok(warning !== undefined, JSON.stringify(logs));
    assert.match(warning.message, new RegExp(`was replaced since task run 'replaced-entry-\\d+' \\(${runs[0]!.id}\\) wrote it`));
  });
});
