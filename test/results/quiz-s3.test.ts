// The seed's quiz (Q1, Q2, Q3 and the `my_flow` quiz) on real saved S3 blocks: "s3/prod",
// "s3/dev" and "s3/default" (CAIRN_DEFAULT_RESULT_STORAGE_BLOCK) are three prefixes of one
// bucket on a SeaweedFS server. Each question runs its flow as the seed writes it (and, where
// the seed's flow returns nothing, once more returning a value), then counts and decodes the
// objects written under each prefix and checks the references the metadata store holds
// against DESIGN §3 and §4.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { flow, task, PersistedResultBlob, resolveSerializer, S3, type ResultRecord } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { startS3Server, type S3TestServer } from "../support/s3-server.js";
import { filesUnder } from "./helpers.js";

// The SDK warns once per process that its 2027 releases need Node 22; not news in a test run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const PREFIXES = ["prod", "dev", "default"] as const;
type Prefix = (typeof PREFIXES)[number];

let server: S3TestServer;
let t: TestEngine;
/** The saved blocks, loaded back by slug. */
const blocks = {} as Record<Prefix, S3>;
/** Their block document ids. */
const ids = {} as Record<Prefix, string>;

before(async () => {
  server = await startS3Server();
  t = createTestEngine({ CAIRN_DEFAULT_RESULT_STORAGE_BLOCK: "s3/default" });
  for (const name of PREFIXES) {
    const block = new S3({ bucketPath: `${server.bucket}/quiz/${name}`, endpointUrl: server.endpoint, ...server.adminKeys });
    ids[name] = await t.engine.run(() => block.save(name));
    await block.close();
    blocks[name] = await t.engine.run(() => S3.load(name));
    assert.equal(blocks[name].blockDocumentId, ids[name]);
  }
});

after(async () => {
  await Promise.all(Object.values(blocks).map((block) => block.close()));
  await t?.cleanup();
  await server?.stop();
});

beforeEach(async () => {
  for (const name of PREFIXES) {
    for await (const { path } of blocks[name].listPaths()) await blocks[name].deletePath(path);
  }
});

/** The objects under a prefix, by key, decoded as the seed's read_result does. */
async function stored(name: Prefix): Promise<Map<string, unknown>> {
  const block = blocks[name];
  const objects = new Map<string, unknown>();
  for await (const { path } of block.listPaths()) {
    const text = new TextDecoder().decode(await block.readPath(path));
    const blob = PersistedResultBlob.parse(JSON.parse(text) as unknown);
    objects.set(path, await resolveSerializer(blob.serializer).loads(blob.data));
  }
  return objects;
}

/** The values stored under each prefix, sorted by their JSON text (code unit order: `"Hi"` < `"flow"` < `42`). */
async function storedValues(): Promise<Record<Prefix, unknown[]>> {
  const sorted = (values: unknown[]) => values.map((v) => [JSON.stringify(v), v] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return {
    prod: sorted([...(await stored("prod")).values()]),
    dev: sorted([...(await stored("dev")).values()]),
    default: sorted([...(await stored("default")).values()]),
  };
}

/** The result records of the task runs of the latest run of `flowName`, by task run name, as stored. */
async function taskResults(flowName: string): Promise<Record<string, ResultRecord | null>> {
  await t.engine.flush();
  const client = await t.engine.client();
  const [run] = await client.readFlowRuns({ flowName, limit: 1 });
  assert.ok(run, `no run of ${flowName}`);
  const taskRuns = await client.readTaskRuns({ flowRunId: run.id });
  return Object.fromEntries(taskRuns.map((r) => [r.name, r.stateData === null ? null : (JSON.parse(r.stateData) as ResultRecord)]));
}

/** Asserts `record` is a reference to an object under `name` (by the saved block's id) holding `value`. */
async function assertReference(record: ResultRecord | null | undefined, name: Prefix, value: unknown): Promise<void> {
  assert.ok(record?.type === "reference", `expected a reference, got ${JSON.stringify(record)}`);
  assert.equal(record.storageBlockId, ids[name], `the reference names the block s3/${name} by its id`);
  assert.match(record.storageKey, /^[0-9a-f]{32}$/);
  assert.equal(record.serializerType, "msgpack");
  assert.equal(record.expiration, null);
  const objects = await stored(name);
  assert.ok(objects.has(record.storageKey), `no object ${record.storageKey} under s3/${name}: ${[...objects.keys()].join(", ")}`);
  assert.deepEqual(objects.get(record.storageKey), value);
}

const UNDEFINED_LITERAL: ResultRecord = { type: "literal", value: "undefined" };

describe("the seed's quiz on saved S3 blocks", () => {
  it("Q1: flow {persistResult: true, resultStorage: 's3/prod'} → the plain task's result is an object under s3/prod", async () => {
    const myTask = task(() => "Hi! 👋");
    const myFlow = flow({ name: "q1", persistResult: true, resultStorage: "s3/prod" }, async () => {
      await myTask();
    });
    const state = await t.engine.run(() => myFlow.returnState());

    assert.deepEqual(await storedValues(), { prod: ["Hi! 👋"], dev: [], default: [] });
    const tasks = await taskResults("q1");
    assert.deepEqual(Object.keys(tasks), ["myTask-0"]);
    await assertReference(tasks["myTask-0"], "prod", "Hi! 👋");
    // The seed's flow returns None: kept inline as a literal, never an object (DESIGN §4).
    assert.deepEqual(state.data?.toRecord(), UNDEFINED_LITERAL);
  });

  it("Q1 with a flow that returns a value: both results are objects under s3/prod", async () => {
    const myTask = task(() => "Hi! 👋");
    const myFlow = flow({ name: "q1-value", persistResult: true, resultStorage: "s3/prod" }, async () => {
      await myTask();
      return "flow done";
    });
    const state = await t.engine.run(() => myFlow.returnState());

    assert.deepEqual(await storedValues(), { prod: ["Hi! 👋", "flow done"], dev: [], default: [] });
    await assertReference(state.data?.toRecord(), "prod", "flow done");
    await assertReference((await taskResults("q1-value"))["myTask-0"], "prod", "Hi! 👋");
  });

  it("Q2: task {persistResult: false, retries: 3} in a flow persisting to s3/prod → the task's result is never written", async () => {
    const myTask = task({ persistResult: false, retries: 3 }, () => "Hi! 👋");
    const myFlow = flow({ name: "q2", persistResult: true, resultStorage: "s3/prod" }, async () => {
      await myTask();
    });
    const state = await t.engine.run(() => myFlow.returnState());

    assert.equal(state.type, "COMPLETED");
    assert.deepEqual(await storedValues(), { prod: [], dev: [], default: [] });
    assert.deepEqual(await taskResults("q2"), { "myTask-0": { type: "unpersisted" } });
    assert.deepEqual(state.data?.toRecord(), UNDEFINED_LITERAL);

    const withValue = flow({ name: "q2-value", persistResult: true, resultStorage: "s3/prod" }, async () => `${await myTask()} and bye`);
    const valueState = await t.engine.run(() => withValue.returnState());
    assert.deepEqual(await storedValues(), { prod: ["Hi! 👋 and bye"], dev: [], default: [] });
    await assertReference(valueState.data?.toRecord(), "prod", "Hi! 👋 and bye");
    assert.deepEqual(await taskResults("q2-value"), { "myTask-0": { type: "unpersisted" } });
  });

  it("Q2 when the task fails: the retry is refused before the function runs again, and nothing is written", async () => {
    let calls = 0;
    const myTask = task({ persistResult: false, retries: 3 }, () => {
      calls += 1;
      if (calls === 1) throw new Error("flaky");
      return "Hi! 👋";
    });
    const myFlow = flow({ name: "q2-flaky", persistResult: true, resultStorage: "s3/prod" }, async () => {
      await myTask();
      return "unreachable";
    });
    const state = await t.engine.run(() => myFlow.returnState());

    assert.equal(calls, 1);
    assert.equal(state.type, "FAILED");
    assert.match(state.message ?? "", /cannot be retried: it sets persistResult: false/);
    assert.match(state.message ?? "", /Remove persistResult: false \(or set it to true\) to allow retries, or set retries: 0/);
    assert.deepEqual(await storedValues(), { prod: [], dev: [], default: [] });
    const client = await t.engine.client();
    const [run] = await client.readFlowRuns({ flowName: "q2-flaky", limit: 1 });
    const [taskRun] = await client.readTaskRuns({ flowRunId: run!.id });
    assert.equal(taskRun?.stateType, "FAILED");
    assert.equal(taskRun?.stateMessage, state.message);
  });

  it("the quiz: flow {resultStorage: 's3/dev'} → the retrying task's and the flow's results, and nothing else, under s3/dev", async () => {
    const extractUser = task(async () => "Marvin");
    const extractNumber = task({ retries: 2 }, async () => 42);
    const transform = task({ persistResult: false }, (userName: string, number: number) => `Welcome, ${userName} to the Club ${number}! 👋`);
    const myFlow = flow({ name: "my-flow", resultStorage: "s3/dev" }, async () => {
      const user = await extractUser(); // ❌ no feature requiring persistence
      const nr = await extractNumber(); // ✅ retries: persisted to s3/dev
      const finalData = await transform(user, nr); // ❌ persistence disabled
      return finalData; // ✅ the flow's own resultStorage: persisted to s3/dev
    });
    const state = await t.engine.run(() => myFlow.returnState());

    assert.equal(await state.result(), "Welcome, Marvin to the Club 42! 👋");
    assert.deepEqual(await storedValues(), { prod: [], dev: ["Welcome, Marvin to the Club 42! 👋", 42], default: [] });
    await assertReference(state.data?.toRecord(), "dev", "Welcome, Marvin to the Club 42! 👋");
    const tasks = await taskResults("my-flow");
    assert.deepEqual(Object.keys(tasks), ["extractUser-0", "extractNumber-0", "transform-0"]);
    assert.deepEqual(tasks["extractUser-0"], { type: "unpersisted" });
    await assertReference(tasks["extractNumber-0"], "dev", 42);
    assert.deepEqual(tasks["transform-0"], { type: "unpersisted" });
  });

  it("Q3: flow {retries: 2} → the flow's result goes to the default storage (s3/default); the plain task's does not", async () => {
    const myTask = task(() => Array.from({ length: 3 }, (_, row) => ({ row, note: "Big dataframe ⛔️" })));
    const asWritten = flow({ name: "q3", retries: 2 }, async () => {
      await myTask();
    });
    const state = await t.engine.run(() => asWritten.returnState());
    assert.deepEqual(state.data?.toRecord(), UNDEFINED_LITERAL, "the seed's flow returns None: a literal, no object");
    assert.deepEqual(await taskResults("q3"), { "myTask-0": { type: "unpersisted" } });
    assert.deepEqual(await storedValues(), { prod: [], dev: [], default: [] });

    const withValue = flow({ name: "q3-value", retries: 2 }, async () => (await myTask()).length);
    const valueState = await t.engine.run(() => withValue.returnState());
    assert.deepEqual(await storedValues(), { prod: [], dev: [], default: [3] });
    await assertReference(valueState.data?.toRecord(), "default", 3);
    assert.deepEqual(await taskResults("q3-value"), { "myTask-0": { type: "unpersisted" } });
    assert.deepEqual(filesUnder(t.env.CAIRN_LOCAL_STORAGE_PATH!), [], "nothing in the local default folder");
  });
});
