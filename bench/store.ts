/**
 * Micro-benchmark of the embedded metadata store's write path.
 *
 * Records N task runs (1 task-run upsert + 3 states each), flushes, and prints µs per task
 * run — inline, and on the client's writer thread — next to the raw cost of the same SQL run
 * through better-sqlite3 directly (single-row prepared statements, one transaction, or
 * batched transactions: the "raw" baseline, as in bench/engine.ts). Then records 6 × N task runs the way
 * the engine does (3 states + 3 upserts each) into one growing database, with random
 * (v4) and with time-ordered (v7) UUIDs, to show what id order costs as the store grows.
 *
 *     node --import tsx bench/store.ts [N] [rounds]
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DEFAULT_FLUSH_THRESHOLD } from "../src/client/embedded/embedded-client.js";
import { openEmbeddedClient } from "../src/client/embedded/open-embedded-client.js";
import type { StateRecord, StateType, TaskRunRecord } from "../src/records/index.js";
import { rawRecord } from "./support/raw-sqlite.js";

const N = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 5);
/** The client's default `flushThreshold` (changes per burst; 4 per task run here). */
const DEFAULT_THRESHOLD = DEFAULT_FLUSH_THRESHOLD;
const dir = mkdtempSync(join(tmpdir(), "cairn-bench-"));
const owner = { host: hostname(), pid: process.pid, engineId: randomUUID() };
const flowRunId = randomUUID();

interface Work {
  runs: TaskRunRecord[];
  states: StateRecord[][];
}

/** A UUIDv7: 48 bits of milliseconds first, so successive ids sort (and insert) in order. */
let lastMs = 0;
let counter = 0;
function uuid7(): string {
  const ms = Date.now();
  counter = ms === lastMs ? counter + 1 : 0;
  lastMs = ms;
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | ((counter >> 8) & 0x0f);
  b[7] = counter & 0xff;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The engine's pattern (3 states, each followed by an upsert of the run row) for `rounds`
 * × N task runs into one database; µs per task run for each round.
 */
async function growthRounds(path: string, newId: () => string, rounds: number): Promise<number[]> {
  const client = await openEmbeddedClient({ path });
  const perRound: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const flowRun = newId();
    const now = new Date().toISOString();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const id = newId();
      for (const [type, name] of [["PENDING", "Pending"], ["RUNNING", "Running"], ["COMPLETED", "Completed"]] as const) {
        client.recordState({
          id: newId(), flowRunId: flowRun, taskRunId: id, type, name, message: null, timestamp: now,
          data: type === "COMPLETED" ? '{"type":"unpersisted"}' : null, details: null,
        });
        client.recordTaskRun({
          id, name: `task-${i}`, taskKey: "bench.ts:task", dynamicKey: String(i), flowRunId: flowRun,
          cacheKey: null, cacheExpiration: null, stateType: type, stateName: name, stateMessage: null,
          stateTimestamp: now, stateData: null, runCount: 1, startTime: now, endTime: null, created: now, owner,
        });
      }
    }
    await client.flush();
    perRound.push(((performance.now() - t0) * 1000) / N);
  }
  await client.close();
  return perRound;
}

function makeWork(n: number): Work {
  const runs: TaskRunRecord[] = [];
  const states: StateRecord[][] = [];
  const now = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    runs.push({
      id, name: `task-${i}`, taskKey: "bench.ts:task", dynamicKey: String(i), flowRunId,
      cacheKey: null, cacheExpiration: null, stateType: "COMPLETED", stateName: "Completed",
      stateMessage: null, stateTimestamp: now, stateData: '{"type":"unpersisted"}', runCount: 1,
      startTime: now, endTime: now, created: now, owner,
    });
    const state = (type: StateType, name: string): StateRecord => ({
      id: randomUUID(), flowRunId, taskRunId: id, type, name, message: null, timestamp: now,
      data: type === "COMPLETED" ? '{"type":"unpersisted"}' : null, details: null,
    });
    states.push([state("PENDING", "Pending"), state("RUNNING", "Running"), state("COMPLETED", "Completed")]);
  }
  return { runs, states };
}

/** The embedded client, end to end: record everything, then flush. */
async function clientRound(path: string, work: Work, options: { flushThreshold?: number; writerThread?: boolean }) {
  const client = await openEmbeddedClient({ path, flushIntervalMs: 1_000_000, writerThread: false, ...options });
  const t0 = performance.now();
  for (let i = 0; i < work.runs.length; i++) {
    const [pending, running, completed] = work.states[i] as [StateRecord, StateRecord, StateRecord];
    client.recordState(pending);
    client.recordState(running);
    client.recordState(completed);
    client.recordTaskRun(work.runs[i] as TaskRunRecord);
  }
  const t1 = performance.now();
  await client.flush();
  const t2 = performance.now();
  await client.close();
  return { record: t1 - t0, total: t2 - t0 };
}

/**
 * The same SQL (Kysely-compiled, one row per statement) straight through better-sqlite3:
 * in one transaction (`burst` = N), or committed every `burst` task runs.
 */
async function rawRound(path: string, work: Work, burst = work.runs.length) {
  return { total: await rawRecord(path, work, burst) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const us = (ms: number) => ((ms * 1000) / N).toFixed(2);

const THRESHOLDS = [500, 1000, 2000, 5000];

try {
  const samples = new Map<string, number[]>();
  const add = (key: string, ms: number) => samples.set(key, [...(samples.get(key) ?? []), ms]);
  for (let round = 0; round <= ROUNDS; round++) {
    const work = makeWork(N);
    const file = (name: string) => join(dir, `${name}-${round}.db`);
    const main = await clientRound(file("client"), work, {});
    const threaded = await clientRound(file("thread"), work, { writerThread: true });
    const queueOnly = await clientRound(file("queue"), work, { flushThreshold: Number.MAX_SAFE_INTEGER });
    const raw = await rawRound(file("raw"), work);
    const rawBursts = await rawRound(file("raw-bursts"), work, DEFAULT_THRESHOLD / 4);
    const sweep: number[] = [];
    for (const flushThreshold of THRESHOLDS) sweep.push((await clientRound(file(`t${flushThreshold}`), work, { flushThreshold })).total);
    if (round === 0) continue; // warm-up
    add("client", main.total);
    add("thread", threaded.total);
    add("threadRecord", threaded.record);
    add("record", main.record);
    add("queue", queueOnly.record);
    add("raw", raw.total);
    add("rawBursts", rawBursts.total);
    THRESHOLDS.forEach((t, i) => add(`t${t}`, sweep[i] as number));
  }
  const m = (key: string) => us(median(samples.get(key) ?? []));
  console.log(`Embedded store, ${N} task runs (1 upsert + 3 states each), median of ${ROUNDS} rounds, µs per task run:`);
  console.log(`  embedded client, record + flush        ${m("client")}   (flushThreshold ${DEFAULT_THRESHOLD})`);
  console.log(`    of which inside record*()            ${m("record")}   (includes the inline flushes)`);
  console.log(`    record*() alone, nothing written     ${m("queue")}`);
  console.log(`  embedded client, on its writer thread  ${m("thread")}   (record + flush; of which record*() ${m("threadRecord")})`);
  console.log(`  raw better-sqlite3, same SQL, 1 txn    ${m("raw")}`);
  console.log(`  raw (the baseline): better-sqlite3,    ${m("rawBursts")}   (a commit every ${DEFAULT_THRESHOLD / 4} task runs)`);
  console.log(`    same SQL, same bursts as the client`);
  console.log(`  flushThreshold sweep (record + flush): ${THRESHOLDS.map((t) => `${t}: ${m(`t${t}`)}`).join(", ")}`);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join("  ");
  const v4 = await growthRounds(join(dir, "growth-v4.db"), randomUUID, 6);
  const v7 = await growthRounds(join(dir, "growth-v7.db"), uuid7, 6);
  console.log(`Engine pattern (3 states + 3 upserts per task run), one database growing by ${N} task runs a round:`);
  console.log(`  random UUIDv4 ids        ${fmt(v4)}  µs per task run, round by round`);
  console.log(`  time-ordered UUIDv7 ids  ${fmt(v7)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
