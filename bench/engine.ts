// Orchestration overhead per task run: a flow of N trivial tasks, called one after another
// and submitted, against a plain async loop over the same function in the same process.
// Run: npm run bench (or: node --expose-gc --import tsx bench/engine.ts)
import { flow, task } from "../src/index.js";
import { createTestEngine } from "../src/testing/index.js";

const N = Number(process.env.BENCH_TASKS ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

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
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function best(fn: () => Promise<unknown>, rounds: number): Promise<number> {
  let min = Infinity;
  for (let r = 0; r < rounds; r++) min = Math.min(min, await time(fn));
  return min;
}

const { engine, cleanup } = createTestEngine();
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

await engine.run(async () => {
  await called(); // warm-up: opens the store, JIT
  await submitted();
});
const baseline = await best(plainLoop, 5);
const heapBefore = heapMb();
const calledMs = await best(() => engine.run(() => called()), 3);
const submittedMs = await best(() => engine.run(() => submitted()), 3);
const peakRss = process.resourceUsage().maxRSS * 1024;
const heapAfterOne = heapMb();
for (let i = 0; i < 5; i++) await engine.run(() => called());
const heapAfterSix = heapMb();
await cleanup();

const us = (ms: number) => ((ms - baseline) * 1000) / N;
console.log(`## Engine: orchestration overhead per task run (${N.toLocaleString("en")} tasks)

Command: \`npm run bench\` (bench/engine.ts). Each figure is the best of 3 rounds; all states are recorded
in the embedded SQLite store and flushed before the flow returns.

| case | total ms | µs per task run (overhead over the plain loop) | ratio to plain loop |
|---|---:|---:|---:|
| plain async loop (baseline) | ${baseline.toFixed(1)} | – | 1.0× |
| flow, tasks called one after another | ${calledMs.toFixed(1)} | ${us(calledMs).toFixed(1)} | ${(calledMs / baseline).toFixed(0)}× |
| flow, tasks submitted | ${submittedMs.toFixed(1)} | ${us(submittedMs).toFixed(1)} | ${(submittedMs / baseline).toFixed(0)}× |

Memory: peak RSS of the process ${(peakRss / 1e6).toFixed(0)} MB; heap after GC ${heapBefore.toFixed(1)} MB before,
${heapAfterOne.toFixed(1)} MB after ${2 * 3} flows of ${N.toLocaleString("en")} task runs, ${heapAfterSix.toFixed(1)} MB after 5 more
(finished runs are not retained: the heap does not grow with the number of finished runs).
Goal: under 50 µs per task run.
`);
