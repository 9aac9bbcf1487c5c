// The Cairn server: (1) the 10,000-task flow with its metadata sent over HTTP to a server on
// SQLite and on PostgreSQL, against the embedded store in the same run; (2) throughput:
// 8 client processes recording task runs at once, state changes per second on each database.
// The server runs in its own process (as in production), so client and server each have a core.
// Run: node --import tsx bench/server.ts (npm run bench runs it too). Prints a markdown section.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HttpClient } from "../src/client/http/http-client.js";
import { flow, task } from "../src/index.js";
import { startServer } from "../src/server/start-server.js";
import { loadSettings } from "../src/settings/index.js";
import { createTestDatabase, dropTestDatabase } from "../src/testing/backends/postgres-test-database.js";
import { createTestEngine, testPostgresUrl } from "../src/testing/index.js";

const SELF = fileURLToPath(import.meta.url);
const N = Number(process.env.BENCH_TASKS ?? 10_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const RUNS_PER_CLIENT = Number(process.env.BENCH_RUNS_PER_CLIENT ?? 5000);

const [mode, ...args] = process.argv.slice(2);
if (mode === "--serve") await serve(args[0]!, args[1]!);
else if (mode === "--client") await client(args[0]!, Number(args[1]), Number(args[2]), args[3]!);
else await main();

/** Child mode: a server on `databaseUrl`, printing its API URL. */
async function serve(databaseUrl: string, home: string): Promise<void> {
  // The CPU report's handler first: the parent may signal as soon as it reads the URL (an
  // unhandled SIGUSR2 ends the process).
  process.on("SIGUSR2", () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`cpu ${(user + system) / 1000}\n`);
  });
  const server = await startServer({ settings: loadSettings({ env: { CAIRN_HOME: home, CAIRN_API_DATABASE_URL: databaseUrl } }), port: 0 });
  process.stdout.write(`${server.apiUrl}\n`);
  process.once("SIGTERM", () => void server.close());
}

/** Child mode: records `count` task runs (1 upsert, 3 states, 1 log line each) from `startAt` on, then flushes. */
async function client(url: string, count: number, startAt: number, prefix: string): Promise<void> {
  const http = new HttpClient({ url });
  const owner = { host: hostname(), pid: process.pid, engineId: prefix };
  const now = () => new Date().toISOString();
  const flowRunId = `${prefix}-flow`;
  const base = { name: "bench", parameters: "{}", tags: [], parentTaskRunId: null, flowName: "throughput", flowVersion: null, stateMessage: null, runCount: 1, startTime: now(), endTime: null, created: now(), owner };
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
  const started = Date.now();
  http.recordFlowRun({ ...base, id: flowRunId, stateType: "RUNNING", stateName: "Running", stateTimestamp: now() });
  for (let i = 0; i < count; i++) {
    const id = `${prefix}-${i}`;
    for (const type of ["PENDING", "RUNNING", "COMPLETED"] as const) {
      http.recordState({ id: `${id}-${type}`, flowRunId, taskRunId: id, type, name: type, message: null, timestamp: now(), data: null, details: null });
    }
    http.recordTaskRun({
      id, name: `step-${i}`, taskKey: "bench:step", dynamicKey: String(i), flowRunId, cacheKey: null, cacheExpiration: null,
      stateType: "COMPLETED", stateName: "Completed", stateMessage: null, stateTimestamp: now(), stateData: null, runCount: 1,
      startTime: now(), endTime: now(), created: now(), owner,
    });
    http.recordLogs([{ flowRunId, taskRunId: id, level: 20, name: "cairn.task_runs", message: `done ${i}`, timestamp: now() }]);
    if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await http.close();
  // When this client was done, and whether it was ready in time (it started late otherwise).
  process.stdout.write(`${Date.now()} ${started - startAt}\n`);
}

/** Starts a server process on `databaseUrl`; resolves with its API URL, its CPU time so far, and a stop function. */
async function serverProcess(
  databaseUrl: string,
  home: string,
): Promise<{ url: string; cpuMs: () => Promise<number>; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", SELF, "--serve", databaseUrl, home], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!.trim());
    });
    child.on("exit", (code) => reject(new Error(`the server exited (${code})`)));
  });
  return {
    url,
    cpuMs: async () => {
      const seen = [...out.matchAll(/cpu ([\d.]+)\n/g)].length;
      child.kill("SIGUSR2");
      let matches: RegExpMatchArray[] = [];
      for (let i = 0; i < 200 && matches.length <= seen; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        matches = [...out.matchAll(/cpu ([\d.]+)\n/g)];
      }
      return Number(matches.at(-1)?.[1] ?? NaN);
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

interface Backend {
  name: string;
  /** A fresh database URL, and how to drop it. */
  database: () => Promise<{ url: string; drop: () => Promise<void> }>;
}

function backends(home: string): Backend[] {
  let n = 0;
  return [
    { name: "server on SQLite", database: async () => ({ url: `sqlite:///${join(home, `server-${n++}.db`)}`, drop: async () => undefined }) },
    {
      name: "server on PostgreSQL",
      database: async () => {
        const admin = testPostgresUrl();
        const url = await createTestDatabase(admin);
        return { url, drop: () => dropTestDatabase(admin, url) };
      },
    },
  ];
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Best-of-3 ms of the called and the submitted 10,000-task flows, with `env` selecting the store. */
async function flowTimes(env: Record<string, string>): Promise<{ called: number; submitted: number }> {
  const { engine, cleanup } = createTestEngine(env);
  const t = task({ name: "work" }, async (i: number) => i + 1);
  const called = flow({ name: "bench-called" }, async () => {
    let sum = 0;
    for (let i = 0; i < N; i++) sum += await t(i);
    return sum;
  });
  const submitted = flow({ name: "bench-submitted" }, async () => {
    const futures = [];
    for (let i = 0; i < N; i++) futures.push(t.submit(i));
    let sum = 0;
    for (const f of futures) sum += await f.result();
    return sum;
  });
  try {
    await engine.run(() => called()); // warm-up: opens the store, JIT
    const best = async (fn: () => Promise<unknown>) => {
      let min = Infinity;
      for (let r = 0; r < 3; r++) min = Math.min(min, await time(() => engine.run(fn)));
      return min;
    };
    return { called: await best(() => called()), submitted: await best(() => submitted()) };
  } finally {
    await cleanup();
  }
}

/** State changes per second with CLIENTS processes recording at once against `url`. */
async function throughput(url: string): Promise<{ perSecond: number; wallMs: number }> {
  const startAt = Date.now() + 5000; // every client process started by then (8 of them on 2 cores)
  const children = Array.from({ length: CLIENTS }, (_, i) =>
    new Promise<{ end: number; late: number }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", SELF, "--client", url, String(RUNS_PER_CLIENT), String(startAt), `c${i}`], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.on("exit", (code) => {
        const [end, late] = out.trim().split(" ").map(Number);
        if (code === 0) resolve({ end: end!, late: late! });
        else reject(new Error(`client ${i} exited ${code}`));
      });
    }),
  );
  const results = await Promise.all(children);
  const late = Math.max(...results.map((r) => r.late));
  if (late > 50) process.stderr.write(`warning: a client started ${late} ms late\n`);
  const wallMs = Math.max(...results.map((r) => r.end)) - startAt;
  return { perSecond: (CLIENTS * RUNS_PER_CLIENT * 3) / (wallMs / 1000), wallMs };
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "cairn-bench-server-"));
  const flowRows: string[] = [];
  const throughputRows: string[] = [];
  try {
    const embedded = await flowTimes({ CAIRN_TEST_BACKEND: "embedded" });
    const us = (ms: number) => (ms * 1000) / N;
    flowRows.push(`| embedded (SQLite in-process) | ${us(embedded.called).toFixed(1)} | ${us(embedded.submitted).toFixed(1)} | 1.0× |`);
    for (const backend of backends(home)) {
      const db = await backend.database();
      const server = await serverProcess(db.url, home);
      try {
        const times = await flowTimes({ CAIRN_TEST_BACKEND: "embedded", CAIRN_API_URL: server.url });
        flowRows.push(`| HTTP → ${backend.name} | ${us(times.called).toFixed(1)} | ${us(times.submitted).toFixed(1)} | ${(times.called / embedded.called).toFixed(1)}× |`);
      } finally {
        await server.stop();
        await db.drop();
      }
      const db2 = await backend.database();
      const server2 = await serverProcess(db2.url, home);
      try {
        const cpuBefore = await server2.cpuMs();
        const { perSecond, wallMs } = await throughput(server2.url);
        const busy = ((await server2.cpuMs()) - cpuBefore) / wallMs;
        throughputRows.push(
          `| ${backend.name} | ${Math.round(perSecond).toLocaleString("en")} | ${(wallMs / 1000).toFixed(1)} s | ${(busy * 100).toFixed(0)}% |`,
        );
      } finally {
        await server2.stop();
        await db2.drop();
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }

  console.log(`## Server: the flow over HTTP, and throughput

Command: \`node --import tsx bench/server.ts\` (run by \`npm run bench\`). The server runs in its own process
(\`startServer\`, as \`cairn server start\` does), on a fresh SQLite file or a fresh PostgreSQL database.

**A flow of ${N.toLocaleString("en")} trivial tasks** (the \`bench/engine.ts\` flow), best of 3 rounds, every state recorded
and committed before the flow returns. µs per task run, engine included:

| metadata goes to | called one after another (µs/task run) | submitted (µs/task run) | called, ratio to embedded |
|---|---:|---:|---:|
${flowRows.join("\n")}

**Throughput: ${CLIENTS} client processes recording at once**, each ${RUNS_PER_CLIENT.toLocaleString("en")} task runs (an upsert,
3 states and a log line each) through \`HttpClient\`, from the same instant until the last one's \`close()\` returned.
The clients and the server share this machine's cores: where the server is not busy all the time,
the clients (building and sending their records) are what limits the figure.

| database | state changes per second (all clients) | wall time | server process CPU busy |
|---|---:|---:|---:|
${throughputRows.join("\n")}
`);
}
