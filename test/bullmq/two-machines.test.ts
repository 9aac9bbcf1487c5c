// Two machines, simulated: the flow's process and the worker's have a CAIRN_HOME each,
// share metadata through a real `cairn server` (CAIRN_API_URL), and results through a real
// S3 server (SeaweedFS). Persisted results cross as references: S3 keys, never data.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { BullMQTaskRunner } from "../../src/bullmq.js";
import { flow, PersistedResultBlob, S3 } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { startS3Server, type S3TestServer } from "../support/s3-server.js";
import { persistedSquare, totalOfSquares } from "./fixtures/tasks.js";
import { cleanRedis, REDIS_URL, startWorker, uniqueQueue, type WorkerProcess } from "./support/worker-process.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const CLI = fileURLToPath(new URL("../server/fixtures/cli.ts", import.meta.url));
const { queue, prefix } = uniqueQueue("machines");
const runner = new BullMQTaskRunner({ connection: REDIS_URL, queue, prefix });
const homes: string[] = [];
const home = (label: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `cairn-${label}-`));
  homes.push(dir);
  return dir;
};

let s3: S3TestServer;
let server: ChildProcess;
let apiUrl: string;
let machineA: TestEngine;
let worker: WorkerProcess;
let block: S3;

/** `cairn server start --port 0` in a process of its own (its own CAIRN_HOME: the server's machine). */
async function startCairnServer(): Promise<{ child: ChildProcess; apiUrl: string }> {
  const serverHome = home("server");
  const env: NodeJS.ProcessEnv = { ...process.env, CAIRN_HOME: serverHome, NODE_OPTIONS: "" };
  for (const key of ["CAIRN_API_URL", "CAIRN_API_DATABASE_URL", "CAIRN_PROFILE"]) delete env[key];
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "server", "start", "--port", "0"], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const match = /CAIRN_API_URL=(\S+)/.exec(out);
      if (match !== null) resolve(match[1]!);
    });
    child.on("exit", (code) => reject(new Error(`cairn server exited (${code}) before listening:\n${out}`)));
  });
  return { child, apiUrl: url };
}

before(async () => {
  const started = await Promise.allSettled([startS3Server(), startCairnServer()]);
  if (started[0].status === "fulfilled") s3 = started[0].value;
  if (started[1].status === "fulfilled") ({ child: server, apiUrl } = started[1].value);
  for (const s of started) if (s.status === "rejected") throw s.reason;
  machineA = createTestEngine({ CAIRN_HOME: home("machine-a"), CAIRN_API_URL: apiUrl });
  const machineB = { ...machineA.env, CAIRN_HOME: home("machine-b"), CAIRN_LOCAL_STORAGE_PATH: join(home("machine-b-results"), "results") };
  const saved = new S3({ bucketPath: `${s3.bucket}/distributed`, endpointUrl: s3.endpoint, ...s3.adminKeys });
  await machineA.engine.run(() => saved.save("shared", { overwrite: true }));
  await saved.close();
  block = await machineA.engine.run(() => S3.load("shared"));
  worker = await startWorker({ env: machineB, modules: ["test/bullmq/fixtures/tasks.ts"], queue, prefix, concurrency: 2 });
});
after(async () => {
  await runner.close();
  await worker?.stop();
  await block?.close();
  await machineA?.cleanup();
  server?.kill("SIGTERM");
  await s3?.stop();
  await cleanRedis(prefix);
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

describe("a flow on machine A, a worker on machine B", () => {
  it("runs the tasks on B, records them in the server's store, and passes persisted results through S3 as references", async () => {
    const f = flow({ name: "two-machines", taskRunner: runner, persistResult: true, resultStorage: "s3/shared" }, async () => {
      const squares = persistedSquare.map([1, 2, 3]);
      return totalOfSquares.submit(squares as never).result();
    });
    assert.equal(await machineA.engine.run(() => f()), 14);

    const client = await machineA.engine.client();
    const [flowRun] = await client.readFlowRuns({ flowName: "two-machines" });
    const runs = await client.readTaskRuns({ flowRunId: flowRun!.id });
    assert.equal(runs.length, 4);
    for (const run of runs) {
      assert.equal(run.stateType, "COMPLETED", run.name);
      assert.equal(run.owner.pid, worker.pid, `${run.name} ran on machine B`);
      const states = await client.readStates(run.id);
      assert.deepEqual(states.map((s) => s.type), ["PENDING", "RUNNING", "COMPLETED"]);
    }
    // Every task's result is an object in S3 that the reference in the store names.
    const keys = new Set<string>();
    for await (const { path } of block.listPaths()) keys.add(path);
    for (const run of runs) {
      const record = JSON.parse(run.stateData!) as { type: string; storageKey: string; storageBlockId: string };
      assert.equal(record.type, "reference");
      assert.equal(record.storageBlockId, block.blockDocumentId);
      assert.ok(keys.has(record.storageKey), `${run.name}'s result is in S3`);
      const blob = PersistedResultBlob.parse(JSON.parse(new TextDecoder().decode(await block.readPath(record.storageKey))) as unknown);
      assert.equal(blob.serializer.type, "msgpack");
    }
    assert.ok(![...keys].some((k) => k.startsWith("cairn-transient/")), "persisted results travel as references, not as transient copies");
    // The worker ran the tasks only after reading the flow's probe object from the bucket (a
    // missing probe fails the run: test/bullmq/transport.test.ts); the runner removes its probes
    // when it closes (it also closes by itself once idle, so whether one is still there now is timing).
    await runner.close();
    const left: string[] = [];
    for await (const { path } of block.listPaths()) if (path.startsWith("cairn-probes/")) left.push(path);
    assert.deepEqual(left, [], "the runner removed its probe object on close");
  });
});
