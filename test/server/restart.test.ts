// A client survives a server restart in the middle of a flow: writes are retried with
// backoff, with their batch ids, so no state change is lost or doubled. Once with a
// graceful restart (in-process), once with the server process killed (SIGKILL), on SQLite
// and on PostgreSQL.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Engine } from "../../src/engine/engine.js";
import { flow, task } from "../../src/index.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { loadSettings } from "../../src/settings/index.js";
import { createTestDatabase, dropTestDatabase } from "../../src/testing/backends/postgres-test-database.js";
import { testPostgresUrl } from "../../src/testing/index.js";

const TASKS = 150;

/** Starts the server in a child process on `port` (0: any); resolves with it and its port. */
async function serveInChild(env: NodeJS.ProcessEnv, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/server/fixtures/serve.ts", String(port)], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const bound = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match !== null) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  return { child, port: bound };
}

/** Runs a flow of TASKS tasks through `engine`, calling `restart` once a third of them ran. */
async function flowAcrossRestart(engine: Engine, restart: () => Promise<void>): Promise<string> {
  let done = 0;
  let restarting: Promise<void> | undefined;
  const step = task({ name: "step" }, async (i: number) => {
    if (++done === TASKS / 3) restarting = restart();
    await sleep(2);
    return i;
  });
  const f = flow({ name: "across-restart" }, async () => {
    let sum = 0;
    for (let i = 0; i < TASKS; i++) sum += await step(i);
    return sum;
  });
  const state = await engine.run(() => f.returnState());
  await restarting;
  assert.equal(state.type, "COMPLETED", state.message ?? "");
  assert.equal(await state.result(), (TASKS * (TASKS - 1)) / 2);
  const client = await engine.client();
  const [run] = await client.readFlowRuns({ flowName: "across-restart" });
  return run!.id;
}

/** Every state change arrived exactly once. */
async function assertExactHistory(engine: Engine, flowRunId: string): Promise<void> {
  const client = await engine.client();
  const flowStates = await client.readStates(flowRunId);
  assert.deepEqual(flowStates.map((s) => s.type), ["PENDING", "RUNNING", "COMPLETED"]);
  const tasks = await client.readTaskRuns({ flowRunId });
  assert.equal(tasks.length, TASKS);
  for (const t of tasks) {
    assert.equal(t.stateType, "COMPLETED", t.name);
    const states = await client.readStates(t.id);
    assert.deepEqual(states.map((s) => s.type), ["PENDING", "RUNNING", "COMPLETED"], t.name);
    assert.equal(new Set(states.map((s) => s.id)).size, 3);
  }
  const logs = await client.readLogs({ flowRunId });
  assert.equal(new Set(logs.map((l) => `${l.taskRunId}|${l.message}|${l.timestamp}`)).size, logs.length, "no log line twice");
}

const databases: { name: string; make: () => Promise<{ url: string; drop: () => Promise<void> }> }[] = [
  {
    name: "SQLite",
    make: async () => {
      const dir = mkdtempSync(join(tmpdir(), "cairn-restart-"));
      return { url: `sqlite:///${join(dir, "server.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: "PostgreSQL",
    make: async () => {
      const admin = testPostgresUrl();
      const url = await createTestDatabase(admin);
      return { url, drop: () => dropTestDatabase(admin, url) };
    },
  },
];

for (const database of databases) {
  describe(`a server restart in the middle of a flow (${database.name})`, () => {
    test("graceful restart: nothing lost, nothing doubled", async () => {
      const db = await database.make();
      const home = mkdtempSync(join(tmpdir(), "cairn-restart-home-"));
      const serverSettings = loadSettings({ env: { CAIRN_HOME: home, CAIRN_API_DATABASE_URL: db.url } });
      let server: RunningServer = await startServer({ settings: serverSettings, port: 0, log: () => undefined });
      const port = server.port;
      const engine = new Engine({
        settings: loadSettings({ env: { CAIRN_HOME: join(home, "client"), CAIRN_API_URL: server.apiUrl, CAIRN_LOGGING_TO_CONSOLE: "false" } }),
      });
      try {
        const id = await flowAcrossRestart(engine, async () => {
          await server.close();
          await sleep(300);
          server = await startServer({ settings: serverSettings, port, log: () => undefined });
        });
        await assertExactHistory(engine, id);
      } finally {
        await engine.close();
        await server.close();
        rmSync(home, { recursive: true, force: true });
        await db.drop();
      }
    });

    test("the server process is killed (SIGKILL) and started again: nothing lost, nothing doubled", async () => {
      const db = await database.make();
      const home = mkdtempSync(join(tmpdir(), "cairn-restart-home-"));
      const env = { ...process.env, CAIRN_HOME: home, CAIRN_API_DATABASE_URL: db.url, CAIRN_PROFILE: undefined };
      let server = await serveInChild(env, 0);
      const port = server.port;
      const engine = new Engine({
        settings: loadSettings({
          env: { CAIRN_HOME: join(home, "client"), CAIRN_API_URL: `http://127.0.0.1:${port}/api`, CAIRN_LOGGING_TO_CONSOLE: "false" },
        }),
      });
      try {
        const id = await flowAcrossRestart(engine, async () => {
          const exited = new Promise((resolve) => server.child.once("exit", resolve));
          server.child.kill("SIGKILL");
          await exited;
          await sleep(200);
          server = await serveInChild(env, port);
        });
        await assertExactHistory(engine, id);
      } finally {
        await engine.close();
        server.child.kill("SIGTERM");
        await new Promise((resolve) => (server.child.exitCode === null ? server.child.once("exit", resolve) : resolve(null)));
        rmSync(home, { recursive: true, force: true });
        await db.drop();
      }
    });
  });
}
