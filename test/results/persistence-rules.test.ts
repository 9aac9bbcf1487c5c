import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { flow, task, Completed, taskInputHash, ConfigurationError, LocalFileSystem, PersistedResult, readResult } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { decodeAll, filesUnder } from "./helpers.js";

let t: TestEngine;
let n = 0;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

/** A fresh storage folder standing for a named storage block (e.g. "s3/prod"). */
function storage(name: string): { block: LocalFileSystem; dir: string } {
  const dir = join(t.home, `${name.replace("/", "-")}-${n++}`);
  return { block: new LocalFileSystem({ basepath: dir }), dir };
}
const defaultDir = (): string => join(t.home, "results");

describe("when results persist (DESIGN §3, the seed's quiz)", () => {
  it("Q1: flow {persistResult: true, resultStorage} → a plain task inside persists to that storage", async () => {
    const prod = storage("s3/prod");
    const myTask = task(() => "Hi! 👋");
    const myFlow = flow({ persistResult: true, resultStorage: prod.block }, async () => { await myTask(); return "flow done"; });
    await t.engine.run(() => myFlow());
    assert.equal(filesUnder(prod.dir).length, 2);
    assert.deepEqual((await decodeAll(prod.dir)).sort(), ["Hi! 👋", "flow done"]);
  });

  it("Q2: persistResult: false on the task wins over the flow's persistResult: true", async () => {
    const prod = storage("s3/prod");
    const myTask = task({ persistResult: false, retries: 3 }, () => "Hi! 👋");
    const myFlow = flow({ persistResult: true, resultStorage: prod.block }, async () => { await myTask(); return 1; });
    await t.engine.run(() => myFlow());
    assert.deepEqual(await decodeAll(prod.dir), [1]);
  });

  it("Q3: flow {retries: 2} → the flow's result persists to the default storage; a plain task does not", async () => {
    rmSync(defaultDir(), { recursive: true, force: true });
    const myTask = task(() => ({ big: "dataframe" }));
    const myFlow = flow({ retries: 2 }, async () => { await myTask(); return "flow result"; });
    await t.engine.run(() => myFlow());
    assert.deepEqual(await decodeAll(defaultDir()), ["flow result"]);
  });

  it("the quiz: flow {resultStorage: dev} — which of its tasks persist", async () => {
    const dev = storage("s3/dev");
    const extractUser = task(async () => "Marvin");
    const extractNumber = task({ retries: 2 }, async () => 42);
    const transform = task({ persistResult: false }, (user: string, nr: number) => `Welcome, ${user} to the Club ${nr}!`);
    const myFlow = flow({ resultStorage: dev.block }, async () => {
      const user = await extractUser(); // ❌ no feature needs persistence
      const nr = await extractNumber(); // ✅ retries
      return transform(user, nr); // ❌ disabled; the flow's own result ✅
    });
    const state = await t.engine.run(() => myFlow.returnState());
    assert.deepEqual((await decodeAll(dev.dir)).sort(), [42, "Welcome, Marvin to the Club 42!"].sort());
    assert.ok(state.data instanceof PersistedResult);
    const client = await t.engine.client();
    const taskRuns = await client.readTaskRuns({ flowRunId: (await client.readFlowRuns({ limit: 1 }))[0]!.id });
    const kinds = Object.fromEntries(taskRuns.map((r) => [r.name, (JSON.parse(r.stateData!) as { type: string }).type]));
    assert.deepEqual(kinds, { "extractUser-0": "unpersisted", "extractNumber-0": "reference", "transform-0": "unpersisted" });
  });

  it("persistResult: false with a cache key function is refused when the task is defined", () => {
    assert.throws(
      () => task({ persistResult: false, cacheKeyFn: taskInputHash }, () => 1),
      (err: unknown) => err instanceof ConfigurationError && /persistResult: false together with cacheKeyFn/.test(err.message),
    );
  });

  it("rule 3: a task's own resultSerializer makes it persist (to the default storage)", async () => {
    rmSync(defaultDir(), { recursive: true, force: true });
    const asJson = task({ resultSerializer: "json" }, () => ({ a: 1, when: new Date(0) }));
    await t.engine.run(() => flow(async () => { await asJson(); })());
    const [file] = filesUnder(defaultDir());
    assert.ok(file);
    assert.match(file, /^[0-9a-f]{32}$/, "default keys are 32 hex characters");
    const blob = JSON.parse(readFileSync(join(defaultDir(), file), "utf8")) as { serializer: { type: string }; data: string };
    assert.equal(blob.serializer.type, "json");
    assert.match(blob.data, /"a":1/);
  });

  it("rule 4: tasks and subflows inherit the parent flow's explicit persistResult", async () => {
    const store = storage("inherit");
    const leaf = task(() => "leaf");
    const child = flow(async () => { await leaf(); return "child"; });
    const parent = flow({ persistResult: true, resultStorage: store.block }, async () => { await child(); return "parent"; });
    await t.engine.run(() => parent());
    assert.deepEqual((await decodeAll(store.dir)).sort(), ["child", "leaf", "parent"]);
  });

  it("rule 5: CAIRN_RESULTS_PERSIST_BY_DEFAULT=true persists plain runs", async () => {
    const other = createTestEngine({ CAIRN_RESULTS_PERSIST_BY_DEFAULT: "true" });
    try {
      const plain = task(() => "plain");
      await other.engine.run(() => flow(async () => { await plain(); return "flow"; })());
      assert.deepEqual((await decodeAll(join(other.home, "results"))).sort(), ["flow", "plain"]);
    } finally {
      await other.cleanup();
    }
  });

  it("null, true and false persist as literals in the metadata store, never as files", async () => {
    const store = storage("literals");
    const yes = task(() => true);
    const nothing = task(() => null);
    const f = flow({ persistResult: true, resultStorage: store.block }, async () => { await yes(); await nothing(); return false; });
    const state = await t.engine.run(() => f.returnState());
    assert.equal(await state.result(), false);
    assert.deepEqual(state.data?.toRecord(), { type: "literal", value: false });
    assert.deepEqual(filesUnder(store.dir), []);
  });

  it("a flow returning Completed({ data }) persists that data", async () => {
    const store = storage("completed");
    const foo = flow({ persistResult: true, resultStorage: store.block }, () => Completed({ data: "completed" }));
    assert.equal(await t.engine.run(() => foo()), "completed");
    assert.deepEqual(await decodeAll(store.dir), ["completed"]);
  });

  it("cacheResultInMemory: false keeps no copy and reads the value back from storage", async () => {
    const store = storage("no-memory");
    const big = task({ cacheResultInMemory: false, resultStorage: store.block }, () => ({ rows: [1, 2, 3] }));
    const state = await t.engine.run(() => big.returnState());
    assert.ok(state.data instanceof PersistedResult);
    assert.equal(state.data.inMemory, false);
    assert.deepEqual(await state.result(), { rows: [1, 2, 3] });
    const [file] = filesUnder(store.dir);
    rmSync(join(store.dir, file!));
    const again = await t.engine.run(() => big.returnState());
    rmSync(join(store.dir, filesUnder(store.dir)[0]!));
    await assert.rejects(() => again.result(), /No result is stored at key/);
  });

  it("resultStorageKey templates name the file; keys cannot escape the storage", async () => {
    const store = storage("keys");
    const hello = task({ resultStorage: store.block, resultStorageKey: "hello-{parameters.name}.json" }, (name: string) => `Hello ${name}`);
    const f = flow({ name: "greeter" }, async (name: string) => hello(name));
    await t.engine.run(() => f("marvin"));
    assert.deepEqual(filesUnder(store.dir), ["hello-marvin.json"]);
    assert.equal(await t.engine.run(() => readResult("hello-marvin.json", { storage: store.block })), "Hello marvin");

    const nested = task({ resultStorage: store.block, resultStorageKey: "{flow_run.flow_name}/{task_run.name}" }, () => 1);
    await t.engine.run(() => flow({ name: "nested-keys" }, async () => nested())());
    assert.ok(filesUnder(store.dir).includes(join("nested-keys", "nested-0")));

    const escaped = await t.engine.run(() => hello.returnState("../../etc/passwd"));
    assert.equal(escaped.type, "FAILED");
    assert.match(escaped.message ?? "", /\.\./);
    assert.throws(() => task({ resultStorageKey: "{paramters.x}" }, () => 1), /placeholder \{paramters.x\}/);
    const missing = await t.engine.run(() => task({ resultStorage: store.block, resultStorageKey: "{parameters.nope}" }, (x: number) => x).returnState(1));
    assert.match(missing.message ?? "", /the parameters are: x/);
  });

  it("an unserializable value fails the run, naming the task, the serializer and the path", async () => {
    const store = storage("bad");
    const bad = task({ resultStorage: store.block, resultSerializer: "json", name: "make-report" }, () => ({ items: [1, 2, 3, { callback: () => 1 }] }));
    const state = await t.engine.run(() => bad.returnState());
    assert.equal(state.type, "FAILED");
    assert.match(state.message ?? "", /make-report/);
    assert.match(state.message ?? "", /json/);
    assert.match(state.message ?? "", /value\.items\[3\]\.callback/);
    assert.match(state.message ?? "", /persistResult: false/);
    assert.deepEqual(filesUnder(store.dir), []);
  });

  it("a corrupted or truncated result file is refused with an error naming the key and the storage", async () => {
    const store = storage("corrupt");
    const r = task({ resultStorage: store.block, cacheResultInMemory: false }, () => "precious");
    await t.engine.run(() => r());
    const [file] = filesUnder(store.dir);
    const path = join(store.dir, file!);
    const original = readFileSync(path, "utf8");
    const namesKeyAndStorage = (err: Error): boolean => err.message.includes(file!) && err.message.includes(store.dir);

    // One character of the data changed: the integrity hash no longer matches.
    const dataAt = original.indexOf('"data":"') + '"data":"'.length;
    const flipped = original[dataAt] === "A" ? "B" : "A";
    writeFileSync(path, original.slice(0, dataAt) + flipped + original.slice(dataAt + 1));
    await assert.rejects(() => t.engine.run(() => readResult(file!, { storage: store.block })),
      (err: Error) => namesKeyAndStorage(err) && /integrity hash does not match/.test(err.message));

    // Cut short, as an interrupted copy would leave it.
    writeFileSync(path, original.slice(0, original.length - 20));
    await assert.rejects(() => t.engine.run(() => readResult(file!, { storage: store.block })),
      (err: Error) => namesKeyAndStorage(err) && /truncated/.test(err.message));
  });

  it("the metadata store never holds result data", async () => {
    const secret = "s3cr3t-v4lue-" + "x".repeat(8);
    const store = storage("secret");
    const leak = task({ persistResult: true, resultStorage: store.block }, () => ({ secret }));
    const f = flow({ persistResult: true, resultStorage: store.block }, async () => { await leak(); return secret; });
    await t.engine.run(() => f());
    await t.engine.flush();
    for (const file of filesUnder(t.home).filter((x) => x.startsWith("cairn.db"))) {
      const bytes = readFileSync(join(t.home, file));
      assert.equal(bytes.includes(Buffer.from(secret)), false, `${file} holds the secret`);
    }
  });
});
