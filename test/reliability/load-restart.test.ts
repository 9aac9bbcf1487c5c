// Load with a restart: 8 client processes run task runs against `cairn server start` on
// PostgreSQL (a fresh cairn_test_* database); half-way through, the server is killed with
// SIGKILL and started again on the same port. The clients are told nothing: they must
// finish by themselves. Then the store is checked row by row against what every client
// handed to its client library: no state change lost, none doubled, none added, every task
// run's states in the order the client produced them. Throughput is printed.
// npm test: 8 × 200 task runs; npm run reliability: 8 × 10,000.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { createTestDatabase, dropTestDatabase } from "../../src/testing/backends/postgres-test-database.js";
import { testPostgresUrl } from "../../src/testing/index.js";
import { freePorts } from "../support/s3-server.js";
import { startCairnServer, type CairnServerProcess } from "./support/cairn-server-process.js";
import { reliabilityN } from "./support/scale.js";

const CLIENTS = 8;
const TASK_RUNS = reliabilityN(10_000, 200);
const PER_FLOW = Math.min(500, Math.max(10, Math.floor(TASK_RUNS / 10)));

interface Produced {
  flowRuns: string[];
  taskRuns: string[];
  states: Record<string, { id: string; type: string }[]>;
}

let home: string;
let dbUrl: string;
before(async () => {
  home = mkdtempSync(join(tmpdir(), "cairn-load-"));
  dbUrl = await createTestDatabase(testPostgresUrl());
});
after(async () => {
  await dropTestDatabase(testPostgresUrl(), dbUrl);
  rmSync(home, { recursive: true, force: true });
});

/** Starts a client process; `onProgress` gets its task runs done so far. */
function startClient(index: number, apiUrl: string, onProgress: (done: number) => void, onReady: () => void) {
  const out = join(home, `client-${index}.json`);
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/reliability/support/load-client.ts", apiUrl, String(TASK_RUNS), String(PER_FLOW), out],
    { env: { PATH: process.env.PATH ?? "", CAIRN_HOME: join(home, `client-${index}`), NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
    const lines = stdout.split("\n");
    stdout = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "ready") onReady();
      const match = /^progress (\d+)$/.exec(line);
      if (match !== null) onProgress(Number(match[1]));
    }
  });
  const finished = new Promise<Produced>((resolve, reject) =>
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`client ${index} exited with ${code}:\n${stderr}`));
      else resolve(JSON.parse(readFileSync(out, "utf8")) as Produced);
    }),
  );
  return { finished };
}

test(`${CLIENTS} clients × ${TASK_RUNS} task runs, server killed (SIGKILL) and restarted half-way: 0 lost, 0 doubled`, async () => {
  const [port] = await freePorts(1);
  const serverEnv = { CAIRN_HOME: join(home, "server"), CAIRN_API_DATABASE_URL: dbUrl };
  let server: CairnServerProcess = await startCairnServer(serverEnv, port);
  const apiUrl = `${server.url}/api`;

  const progress = new Array<number>(CLIENTS).fill(0);
  const total = CLIENTS * TASK_RUNS;
  let restart: Promise<{ downMs: number; atPercent: number }> | undefined;
  const onProgress = (index: number, done: number) => {
    progress[index] = done;
    const sum = progress.reduce((a, b) => a + b, 0);
    if (restart === undefined && sum >= total / 2) {
      restart = (async () => {
        const atPercent = Math.round((sum / total) * 100);
        const down = Date.now();
        await server.kill();
        await sleep(300);
        server = await startCairnServer(serverEnv, port);
        return { downMs: Date.now() - down, atPercent };
      })();
    }
  };

  let ready = 0;
  let started = 0;
  try {
    const clients = Array.from({ length: CLIENTS }, (_, i) =>
      startClient(i, apiUrl, (done) => onProgress(i, done), () => {
        if (++ready === CLIENTS) started = Date.now();
      }),
    );
    const produced = await Promise.all(clients.map((c) => c.finished));
    // From the moment every client was warmed up (started its first flow) to the last one's end.
    const seconds = (Date.now() - started) / 1000;
    assert.ok(restart !== undefined, "the server was restarted");
    const { downMs, atPercent } = await restart;

    // What the clients produced.
    const expected = new Map<string, string[]>();
    let producedStates = 0;
    for (const p of produced) {
      assert.equal(p.taskRuns.length, TASK_RUNS + 1, "the task runs, and the warm-up's one");
      for (const [runId, states] of Object.entries(p.states)) {
        expected.set(runId, states.map((s) => s.id));
        producedStates += states.length;
        if (p.taskRuns.includes(runId)) assert.deepEqual(states.map((s) => s.type), ["PENDING", "RUNNING", "COMPLETED"], runId);
      }
    }

    // What the store holds, row by row.
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    let lost = 0;
    let doubled = 0;
    let extra = 0;
    let misordered = 0;
    try {
      const { rows } = await db.query<{ id: string; run_id: string }>("select id, run_id from run_state order by run_id, seq");
      const stored = new Map<string, string[]>();
      const seen = new Map<string, number>();
      for (const row of rows) {
        let list = stored.get(row.run_id);
        if (list === undefined) stored.set(row.run_id, (list = []));
        list.push(row.id);
        seen.set(row.id, (seen.get(row.id) ?? 0) + 1);
      }
      for (const count of seen.values()) if (count > 1) doubled += count - 1;
      for (const [runId, ids] of expected) {
        const have = stored.get(runId) ?? [];
        lost += ids.filter((id) => !seen.has(id)).length;
        if (have.join(",") !== ids.join(",") && new Set(have).size === ids.length) misordered++;
      }
      for (const [runId, ids] of stored) if (!expected.has(runId)) extra += ids.length;

      const taskRuns = await db.query<{ n: string; done: string }>(
        "select count(*) as n, count(*) filter (where state_type = 'COMPLETED') as done from task_run",
      );
      assert.equal(Number(taskRuns.rows[0]!.n), CLIENTS * (TASK_RUNS + 1), "every task run has its row");
      assert.equal(Number(taskRuns.rows[0]!.done), CLIENTS * (TASK_RUNS + 1), "and every row is COMPLETED");
      const flowRuns = await db.query<{ n: string; done: string }>(
        "select count(*) as n, count(*) filter (where state_type = 'COMPLETED') as done from flow_run",
      );
      const flows = produced.reduce((n, p) => n + p.flowRuns.length, 0);
      assert.equal(Number(flowRuns.rows[0]!.n), flows);
      assert.equal(Number(flowRuns.rows[0]!.done), flows);
    } finally {
      await db.end();
    }

    console.log(
      `load-restart: ${CLIENTS} clients × ${TASK_RUNS} task runs = ${total} task runs (${producedStates} state changes) in ` +
        `${seconds.toFixed(1)} s, ${Math.round(total / seconds)} task runs/s; server killed at ${atPercent}% and back ` +
        `${downMs} ms later; lost ${lost}, doubled ${doubled}, extra ${extra}, out of order ${misordered}`,
    );
    assert.equal(lost, 0, "no state change lost");
    assert.equal(doubled, 0, "no state change doubled");
    assert.equal(extra, 0, "no state change the clients did not produce");
    assert.equal(misordered, 0, "every run's states in the order its client produced them");
    assert.doesNotMatch(server.stderr(), /failed:/);
  } finally {
    await server.stop();
  }
});
