import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BlockError, BlockErrorCode } from "../../src/blocks/block-error.js";
import { LocalFileSystem } from "../../src/blocks/local-file-system/local-file-system.js";
import { StoreBlockResolver } from "../../src/blocks/store-block-resolver.js";
import type { BlockDocumentRecord } from "../../src/records/index.js";
import { Engine } from "../../src/engine/engine.js";
import { flow } from "../../src/engine/flow.js";
import { task } from "../../src/engine/task.js";
import type { ResultRecord } from "../../src/results/base-result.js";
import { readPersistedValue } from "../../src/results/read-persisted-value.js";
import { loadSettings } from "../../src/settings/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { Greeting, TokenFolder } from "./block-fixtures.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

/** Another engine on the same store, as another process would have. */
function sibling(): Engine {
  return new Engine({ settings: loadSettings({ env: t.env, cwd: t.home }) });
}

async function anonymousDocuments(): Promise<BlockDocumentRecord[]> {
  return (await (await t.engine.client()).readBlockDocuments({ includeAnonymous: true })).filter((d) => d.isAnonymous);
}

/** The result references recorded for a flow's runs (the flow run's and its task runs'), read from the store. */
async function recordedReferences(flowName: string): Promise<Extract<ResultRecord, { type: "reference" }>[]> {
  await t.engine.flush();
  const client = await t.engine.client();
  const [run] = await client.readFlowRuns({ flowName, limit: 1 });
  assert.ok(run !== undefined, `no run of ${flowName}`);
  const data = [
    ...(await client.readStates(run.id)).map((s) => s.data),
    ...(await client.readTaskRuns({ flowRunId: run.id })).map((r) => r.stateData),
  ];
  return data
    .filter((d): d is string => d !== null)
    .map((d) => JSON.parse(d) as ResultRecord)
    .filter((r): r is Extract<ResultRecord, { type: "reference" }> => r.type === "reference");
}

void describe("StoreBlockResolver: result references name their storage", () => {
  void it("every persisted result records a block id, for a LocalFileSystem instance and for the default storage", async () => {
    const basepath = join(t.home, "instance-results");
    const double = task({ persistResult: true }, (n: number) => n * 2);
    const withInstance = flow({ name: "with-instance", persistResult: true, resultStorage: new LocalFileSystem({ basepath }) }, async () => double(21));
    const withDefault = flow({ name: "with-default", persistResult: true }, async () => double(4));
    assert.equal(await t.engine.run(() => withInstance()), 42);
    assert.equal(await t.engine.run(() => withDefault()), 8);

    for (const [name, expected, values] of [["with-instance", basepath, [42]], ["with-default", join(t.home, "results"), [8]]] as const) {
      const references = await recordedReferences(name);
      assert.equal(references.length, 2, `${name}: the flow's and the task's results`);
      for (const reference of references) {
        assert.ok(reference.storageBlockId !== null, `${name}: storageBlockId must be set`);
        const storage = await t.engine.results.storageById(reference.storageBlockId);
        assert.ok(storage instanceof LocalFileSystem);
        assert.equal(storage.basepath, expected);
        // Another process resolves the same reference through the store alone.
        const other = sibling();
        try {
          const resolved = await new StoreBlockResolver(other).byId(reference.storageBlockId);
          assert.ok((values as readonly number[]).includes(await readPersistedValue<number>(resolved, reference.storageKey)));
        } finally {
          await other.close();
        }
      }
    }
  });

  void it("a saved block used as an instance or by slug gives its own id, not an anonymous one", async () => {
    const named = new LocalFileSystem({ basepath: join(t.home, "named-results") });
    const id = await t.engine.run(() => named.save("named"));
    const before = (await anonymousDocuments()).length;
    await t.engine.run(() => flow({ name: "by-instance", persistResult: true, resultStorage: named }, () => "x")());
    await t.engine.run(() => flow({ name: "by-slug", persistResult: true, resultStorage: "local-file-system/named" }, () => "y")());
    for (const name of ["by-instance", "by-slug"]) {
      assert.deepEqual((await recordedReferences(name)).map((r) => r.storageBlockId), [id]);
    }
    assert.equal((await anonymousDocuments()).length, before);
  });
});

void describe("StoreBlockResolver: anonymous saves", () => {
  void it("are made once per distinct configuration, across runs and engines, and hidden from default listings", async () => {
    const basepath = join(t.home, "dedup");
    const run = (engine: Engine, path: string, name: string) =>
      engine.run(() => flow({ name, persistResult: true, resultStorage: new LocalFileSystem({ basepath: path }) }, () => name)());
    await run(t.engine, basepath, "dedup-1");
    await run(t.engine, basepath, "dedup-2");
    const other = sibling();
    try {
      await run(other, basepath, "dedup-3");
    } finally {
      await other.close();
    }
    const ids = new Set<string | null>();
    for (const name of ["dedup-1", "dedup-2", "dedup-3"]) for (const r of await recordedReferences(name)) ids.add(r.storageBlockId);
    assert.equal(ids.size, 1);
    const documents = (await anonymousDocuments()).filter((d) => d.data.basepath === basepath);
    assert.equal(documents.length, 1);
    assert.match(documents[0]?.name ?? "", /^anonymous-[0-9a-f-]{36}$/);

    await run(t.engine, join(t.home, "dedup-other"), "dedup-4");
    assert.equal((await anonymousDocuments()).filter((d) => String(d.data.basepath).startsWith(join(t.home, "dedup"))).length, 2);
    const listed = await (await t.engine.client()).readBlockDocuments();
    assert.ok(listed.every((d) => !d.isAnonymous));
  });

  void it("concurrent saves of equal configurations give one document", async () => {
    const resolver = new StoreBlockResolver(t.engine);
    const basepath = join(t.home, "concurrent");
    const ids = await Promise.all(Array.from({ length: 8 }, () => resolver.idFor(new LocalFileSystem({ basepath }))));
    assert.equal(new Set(ids).size, 1);
  });

  void it("configurations with secrets are told apart by their secrets, without storing them in the hash", async () => {
    const resolver = new StoreBlockResolver(t.engine);
    const basepath = join(t.home, "secret-dedup");
    const a1 = await resolver.idFor(new TokenFolder({ basepath, token: "token-aaaaaaaa" }));
    const a2 = await resolver.idFor(new TokenFolder({ basepath, token: "token-aaaaaaaa" }));
    const b = await resolver.idFor(new TokenFolder({ basepath, token: "token-bbbbbbbb" }));
    assert.equal(a1, a2);
    assert.notEqual(a1, b);
    const restored = await resolver.byId(b ?? "");
    assert.ok(restored instanceof TokenFolder);
    assert.equal(restored.tokenValue(), "token-bbbbbbbb");
  });
});

void describe("StoreBlockResolver: errors", () => {
  void it("an unknown id and a block that is not storage give clear errors", async () => {
    const resolver = new StoreBlockResolver(t.engine);
    await assert.rejects(
      resolver.byId("00000000-0000-7000-8000-000000000000"),
      (err: unknown) => err instanceof BlockError && err.code === BlockErrorCode.NotFound && /No block document has the id 00000000-/.test(err.message),
    );
    await t.engine.run(() => new Greeting({ text: "hi" }).save("not-storage"));
    await assert.rejects(
      t.engine.results.resolveStorage("test-greeting/not-storage"),
      (err: unknown) => err instanceof BlockError && err.code === BlockErrorCode.NotStorage && /not a storage block/.test(err.message),
    );
    await assert.rejects(t.engine.results.resolveStorage("local-file-system/missing"), /No block is saved as local-file-system\/missing/);
  });

  void it("a flow whose storage slug names a missing block fails with that message", async () => {
    const state = await t.engine.run(() => flow({ name: "missing-storage", persistResult: true, resultStorage: "local-file-system/nowhere" }, () => 1).returnState());
    assert.equal(state.type, "FAILED");
    assert.match(state.message ?? "", /No block is saved as local-file-system\/nowhere/);
  });
});
