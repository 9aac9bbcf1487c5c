// Orchestration cost per task run (issue 13 §3): flows of N trivial tasks, called one after
// another and submitted, and N cache hits, against raw better-sqlite3 recording the same
// rows by hand (bench/support/raw-sqlite.ts), all measured in this process, rounds
// interleaved. Engines: the default engine as a user gets it (`flow()` with default
// settings, SQLite at $CAIRN_HOME — a temporary one here) and the test engine
// (`createTestEngine()`). The compiled package (dist/, built by `npm run bench`) is what runs
// when it exists, as users get it; else the TypeScript sources.
// Run: npm run bench (or: node --expose-gc --import tsx bench/engine.ts)
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as CairnModule from "../src/index.js";
import type * as TestingModule from "../src/testing/index.js";
import { makeTaskRuns, RAW_BURST, rawRecord } from "./support/raw-sqlite.js";

type Cairn = typeof CairnModule;
type Testing = typeof TestingModule;

const N = Number(process.env.BENCH_TASKS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

const dist = new URL("../dist/index.js", import.meta.url);
const compiled = existsSync(dist);
const cairn = (await import(compiled ? dist.href : "../src/index.js")) as Cairn;
const testing = (await import(compiled ? new URL("../dist/testing/index.js", import.meta.url).href : "../src/testing/index.js")) as Testing;
const { flow, task } = cairn;

// The default engine's home: a temporary $CAIRN_HOME, default settings otherwise.
const home = mkdtempSync(join(tmpdir(), "cairn-bench-home-"));
process.env.CAIRN_HOME = home;
for (const key of ["CAIRN_API_URL", "CAIRN_API_DATABASE_URL", "CAIRN_PROFILE"]) delete process.env[key];

async function work(i: number): Promise<number> {
  return i + 1;
}

async function plainLoop(): Promise<number> {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await work(i);
  return sum;
}

function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const t = task({ name: "work" }, work);
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
const hit = task({ name: "cached", cacheKeyFn: () => "bench-cache-hit" }, (i: number) => ({ i, payload: "x".repeat(100) }));
const hits = flow({ name: "bench-cache-hits" }, async () => {
  for (let i = 0; i < N; i++) await hit(i);
});

const test = testing.createTestEngine();
const rawDir = mkdtempSync(join(tmpdir(), "cairn-bench-raw-"));

const cases: Record<string, () => Promise<unknown>> = {
  plain: plainLoop,
  raw: () => rawRecord(join(rawDir, `${Math.random()}.db`), makeTaskRuns(N)),
  "default called": () => called(),
  "default submitted": () => submitted(),
  "test called": () => test.engine.run(() => called()),
  "test submitted": () => test.engine.run(() => submitted()),
  "test cache hits": () => test.engine.run(() => hits()),
};
const best: Record<string, number> = {};
// Round 0 warms up (opens the stores, starts their writer threads, JIT); the raw case is
// timed on its writes only (work built before).
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) {
    const ms = name === "raw" ? await rawRecord(join(rawDir, `${round}.db`), makeTaskRuns(N)) : await time(fn);
    if (round > 0) best[name] = Math.min(best[name] ?? Infinity, ms);
  }
}
const heapBefore = heapMb();
for (let i = 0; i < 5; i++) await test.engine.run(() => called());
const heapAfterFive = heapMb();
for (let i = 0; i < 10; i++) await test.engine.run(() => called());
const heapAfterFifteen = heapMb();
const peakRss = process.resourceUsage().maxRSS * 1024;
await test.cleanup();
await cairn.currentEngine().close();
rmSync(rawDir, { recursive: true, force: true });
rmSync(home, { recursive: true, force: true });

const us = (name: string) => ((best[name] as number) * 1000) / N;
const plainUs = us("plain");
const rawUs = us("raw");
const row = (label: string, name: string, goal: string) => {
  return `| ${label} | ${us(name).toFixed(1)} | ${(us(name) / rawUs).toFixed(2)}× | ${goal} |`;
};
const ratioOf = (a: string, b: string) => (us(a) / us(b)).toFixed(2);
console.log(`## Engine: cost per task run (${N.toLocaleString("en")} trivial tasks per flow)

Command: \`npm run bench\` (bench/engine.ts; ${compiled ? "the compiled package in dist/" : "the TypeScript sources"}, Node ${process.version}).
Best of ${ROUNDS} interleaved rounds. Every state is recorded in the embedded SQLite store and committed before
the flow returns. **Raw** is raw better-sqlite3 recording the same rows by hand (a task-run upsert and three
states per task run, single-row statements, a transaction per ${RAW_BURST} task runs; bench/support/raw-sqlite.ts).

| case | µs per task run | ratio to raw | goal |
|---|---:|---:|---|
| raw better-sqlite3, the same rows by hand (baseline) | ${rawUs.toFixed(1)} | 1.00× | |
| default engine (\`flow()\`, default settings): tasks called one after another | ${us("default called").toFixed(1)} | ${(us("default called") / rawUs).toFixed(2)}× | ≤ 0.5× |
| default engine: tasks submitted | ${us("default submitted").toFixed(1)} | ${(us("default submitted") / rawUs).toFixed(2)}× | ≤ 0.75× |
${row("test engine (`createTestEngine()`): called", "test called", "≤ 0.5×")}
${row("test engine: submitted", "test submitted", "≤ 0.75×")}
${row("test engine: a cache hit (`cacheKeyFn`, stored entry)", "test cache hits", `≤ 0.75× of a called task run: **${ratioOf("test cache hits", "test called")}×**`)}
| a plain async loop over the same function (no Cairn) | ${plainUs.toFixed(2)} | ${(plainUs / rawUs).toFixed(2)}× | |

Memory: heap after GC ${heapBefore.toFixed(1)} MB after ${(ROUNDS + 1) * 4} flows, ${heapAfterFive.toFixed(1)} MB after 5 more of
${N.toLocaleString("en")} task runs, ${heapAfterFifteen.toFixed(1)} MB after 10 more (finished runs are not retained: the heap does not
grow with the number of finished runs); peak RSS ${(peakRss / 1e6).toFixed(0)} MB.
`);
