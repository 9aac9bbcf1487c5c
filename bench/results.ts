// Result persistence benchmarks (issue 3):
//  1. N tasks each persisting a ~1 KB object to local storage, against a raw loop of
//     serialize + write to a temporary name + rename, in the same process.
//  2. A ~20 MB result (a Float64Array of 1M doubles + 100k small objects) written and read
//     back, against raw serialize + write / read + deserialize; peak memory of each.
//  3. 10,000 cache hits.
// Run: npm run bench (or: node --expose-gc --import tsx bench/results.ts [small|large|cache])
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { pack, unpack } from "msgpackr";
import { flow, task, LocalFileSystem, readResult, type PersistedResult } from "../src/index.js";
import { createTestEngine } from "../src/testing/index.js";
import { MsgpackSerializer } from "../src/serializers/index.js";

const part = process.argv[2];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function smallObject(i: number): Record<string, unknown> {
  return {
    id: i,
    name: `record-${i}`,
    tags: ["alpha", "beta", "gamma", "delta"],
    when: new Date(1_700_000_000_000 + i),
    values: Array.from({ length: 60 }, (_, k) => k * 1.5 + i),
    nested: { a: "x".repeat(200), b: true, c: null },
  };
}

function largePayload(scale = 1): { samples: Float64Array; rows: Array<{ i: number; s: string; ok: boolean }> } {
  const samples = new Float64Array(2_000_000 / scale);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.sin(i) * 1000;
  const rows = Array.from({ length: 100_000 / scale }, (_, i) => ({ i, s: `row-${i}`, ok: i % 3 === 0 }));
  return { samples, rows };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function smallBench(): Promise<string> {
  const N = 2000;
  const dir = mkdtempSync(join(tmpdir(), "cairn-bench-small-"));
  const { engine, cleanup } = createTestEngine();
  const storage = new LocalFileSystem({ basepath: join(dir, "cairn") });
  const persisted = task({ persistResult: true, resultStorage: storage, name: "persist-1kb" }, (i: number) => smallObject(i));
  const manyTasks = flow({ name: "bench-persist" }, async () => {
    for (let i = 0; i < N; i++) await persisted(i);
  });
  // The same task runs without persistence: what the engine alone costs per run.
  const unpersisted = task({ persistResult: false, name: "no-persist-1kb" }, (i: number) => smallObject(i));
  const manyUnpersisted = flow({ name: "bench-no-persist" }, async () => {
    for (let i = 0; i < N; i++) await unpersisted(i);
  });
  const serializer = new MsgpackSerializer();
  const rawDir = join(dir, "raw");
  await writeFile(join(dir, "probe"), "x");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(rawDir, { recursive: true });
  const raw = async (): Promise<void> => {
    for (let i = 0; i < N; i++) {
      const bytes = pack(smallObject(i));
      const key = randomBytes(16).toString("hex");
      const tmp = join(rawDir, `.${key}.tmp`);
      await writeFile(tmp, bytes);
      await rename(tmp, join(rawDir, key));
    }
  };
  const rawSync = async (): Promise<void> => {
    for (let i = 0; i < N; i++) {
      const bytes = pack(smallObject(i));
      const key = randomBytes(16).toString("hex");
      const tmp = join(rawDir, `.${key}.tmp`);
      writeFileSync(tmp, bytes, { flag: "wx" });
      renameSync(tmp, join(rawDir, key));
      await Promise.resolve();
    }
  };
  const sample = await serializer.dumps(smallObject(1));
  await engine.run(() => manyTasks()); // warm-up
  await raw();
  const rounds = 3;
  let rawBest = Infinity;
  let rawSyncBest = Infinity;
  let cairnBest = Infinity;
  let engineBest = Infinity;
  await engine.run(() => manyUnpersisted()); // warm-up
  for (let r = 0; r < rounds; r++) {
    rawBest = Math.min(rawBest, await time(raw));
    rawSyncBest = Math.min(rawSyncBest, await time(rawSync));
    cairnBest = Math.min(cairnBest, await time(() => engine.run(() => manyTasks())));
    engineBest = Math.min(engineBest, await time(() => engine.run(() => manyUnpersisted())));
  }
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
  const rawAsyncRate = (N / rawBest) * 1000;
  const rawSyncRate = (N / rawSyncBest) * 1000;
  const rawRate = Math.max(rawAsyncRate, rawSyncRate);
  const cairnRate = (N / cairnBest) * 1000;
  const addedUs = ((cairnBest - engineBest) / N) * 1000;
  const rawSyncUs = (rawSyncBest / N) * 1000;
  return `### ${N.toLocaleString("en")} tasks each persisting a ~1 KB object (${Buffer.from(sample, "base64").length} bytes of msgpack)

| case | runs per second | ms per run | ratio to raw |
|---|---:|---:|---:|
| raw loop: msgpack pack + fs.promises write temp file + rename | ${rawAsyncRate.toFixed(0)} | ${(rawBest / N).toFixed(3)} | ${(rawAsyncRate / rawRate).toFixed(2)}× |
| raw loop: msgpack pack + writeFileSync temp file + renameSync | ${rawSyncRate.toFixed(0)} | ${(rawSyncBest / N).toFixed(3)} | ${(rawSyncRate / rawRate).toFixed(2)}× |
| Cairn: task runs with \`persistResult: true\` (blob + integrity hash + states recorded) | ${cairnRate.toFixed(0)} | ${(cairnBest / N).toFixed(3)} | ${(cairnRate / rawRate).toFixed(2)}× |
| Cairn: the same task runs with \`persistResult: false\` (states recorded, nothing written) | ${((N / engineBest) * 1000).toFixed(0)} | ${(engineBest / N).toFixed(3)} | ${((N / engineBest) * 1000 / rawRate).toFixed(2)}× |

Ratios are against the faster raw loop. Best of ${rounds} rounds each, interleaved.
What persisting adds to a task run: ${addedUs.toFixed(0)} µs (the difference of the two Cairn rows), against
${rawSyncUs.toFixed(0)} µs for the raw synchronous serialize + write + rename of the same object: **${(addedUs / rawSyncUs).toFixed(2)}×**
(goal, issue 13: ≤ 1.3×). Small results (≤ 64 KiB, no fsync) are written synchronously by \`LocalFileSystem\`: on these
disks the thread pool's round trips cost more than the write itself.
`;
}

/** Runs one large-payload case in a fresh process and returns its figures (so peak RSS is its own). */
function largeCase(which: string): { ms: number; rssMb: number; baseMb: number; payloadMb: number; storedMb: number } {
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "bench/results.ts", "large-case", which], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1)!) as { ms: number; rssMb: number; baseMb: number; payloadMb: number; storedMb: number };
}

async function largeCaseMain(which: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cairn-bench-large-"));
  const { engine, cleanup } = createTestEngine();
  const storage = new LocalFileSystem({ basepath: dir });
  let payload = largePayload(50);
  const big = task({ persistResult: true, resultStorage: storage, name: "big", cacheResultInMemory: false }, () => payload);
  let key = "";
  let written = "";
  const prepare = async (): Promise<void> => {
    if (which === "cairn-read") key = ((await engine.run(() => big.returnState())).data as PersistedResult).storageKey;
    if (which === "raw-read") await writeFile(join(dir, "raw.bin"), pack(payload));
  };
  const measure = async (): Promise<void> => {
    if (which === "raw-write") {
      const bytes = pack(payload);
      await writeFile(join(dir, ".raw.tmp"), bytes);
      await rename(join(dir, ".raw.tmp"), join(dir, "raw.bin"));
    } else if (which === "cairn-write") {
      // returnState: the write alone (awaiting big() would also read the value back, as cacheResultInMemory is false).
      written = ((await engine.run(() => big.returnState())).data as PersistedResult).storageKey;
    } else if (which === "raw-read") {
      unpack(await readFile(join(dir, "raw.bin")));
    } else if (which === "cairn-read") {
      await engine.run(() => readResult(key, { storage }));
    }
  };
  // Warm up on a payload 50 times smaller (JIT, store, folders), then measure the real one.
  await prepare();
  await measure();
  payload = largePayload();
  const payloadMb = pack(payload).length / 1e6;
  await prepare();
  gc();
  const baseMb = process.memoryUsage().rss / 1e6;
  const start = performance.now();
  await measure();
  const ms = performance.now() - start;
  const rssMb = (process.resourceUsage().maxRSS * 1024) / 1e6;
  // What the result takes in storage (the Cairn write's one file), against its msgpack size.
  const storedMb = which === "cairn-write" ? statSync(join(dir, written)).size / 1e6 : 0;
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ ms, rssMb, baseMb, payloadMb, storedMb }));
}

function largeBench(): string {
  const rows: string[] = [];
  const cases = ["raw-write", "cairn-write", "raw-read", "cairn-read"] as const;
  const best: Record<string, { ms: number; rssMb: number; baseMb: number; payloadMb: number; storedMb: number }> = {};
  for (let r = 0; r < 3; r++) {
    for (const c of cases) {
      const fig = largeCase(c);
      if (best[c] === undefined || fig.ms < best[c].ms) best[c] = fig;
    }
  }
  const payloadMb = best["raw-write"]!.payloadMb;
  const rate = (c: string): number => payloadMb / (best[c]!.ms / 1000);
  const extra = (c: string): number => Math.max(0, best[c]!.rssMb - best[c]!.baseMb);
  for (const [label, c, base] of [
    ["raw write: msgpack pack + write + rename", "raw-write", "raw-write"],
    ["Cairn write: a task run persisting it", "cairn-write", "raw-write"],
    ["raw read: read + msgpack unpack", "raw-read", "raw-read"],
    ["Cairn read: readResult (integrity check + deserialize)", "cairn-read", "raw-read"],
  ] as const) {
    rows.push(`| ${label} | ${best[c]!.ms.toFixed(0)} | ${rate(c).toFixed(0)} | ${(rate(c) / rate(base)).toFixed(2)}× | ${extra(c).toFixed(0)} MB (${(extra(c) / payloadMb).toFixed(1)}× payload) |`);
  }
  return `### A ${payloadMb.toFixed(0)} MB result (msgpack size; a Float64Array of 2M doubles + 100k small objects)

| case | ms | MB/s | ratio to raw | peak memory above the process's baseline |
|---|---:|---:|---:|---:|
${rows.join("\n")}

Storage: the Cairn blob (framed: a JSON head line, then the msgpack bytes) is ${best["cairn-write"]!.storedMb.toFixed(2)} MB, ${(best["cairn-write"]!.storedMb / payloadMb).toFixed(4)}× its msgpack size.

Goals (issue 13): write ≥ 0.8× and read ≥ 0.9× of the raw rates; peak memory ≤ 1.5× the payload; storage ≤ 1.01× the
msgpack size. Each case runs in its own process (best of 3), so its peak RSS is its own.
`;
}

async function cacheBench(): Promise<string> {
  const N = 10_000;
  const { engine, cleanup } = createTestEngine();
  let calls = 0;
  const cached = task({ name: "cached", cacheKeyFn: () => "bench-cache-key" }, () => { calls++; return smallObject(1); });
  const hits = flow({ name: "bench-cache-hits" }, async () => {
    for (let i = 0; i < N; i++) await cached();
  });
  await engine.run(() => cached()); // populate the entry
  await engine.run(() => hits()); // warm-up
  let best = Infinity;
  for (let r = 0; r < 3; r++) best = Math.min(best, await time(() => engine.run(() => hits())));
  await cleanup();
  if (calls !== 1) throw new Error(`expected 1 computation, got ${calls}`);
  return `### ${N.toLocaleString("en")} cache hits

| case | hits per second | µs per hit |
|---|---:|---:|
| a task with \`cacheKeyFn\`, called ${N.toLocaleString("en")} times with a stored entry | ${((N / best) * 1000).toFixed(0)} | ${((best * 1000) / N).toFixed(1)} |

Each hit: key computed, entry looked up in the store (across processes), result validated and read
(from the bounded in-memory cache after the first read), Pending → Cached recorded.
`;
}

if (part === "large-case") {
  await largeCaseMain(process.argv[3]!);
} else {
  const sections: string[] = ["## Results: persistence, large results, cache hits\n\nCommand: `npm run bench` (bench/results.ts).\n"];
  if (part === undefined || part === "small") sections.push(await smallBench());
  if (part === undefined || part === "large") sections.push(largeBench());
  if (part === undefined || part === "cache") sections.push(await cacheBench());
  console.log(sections.join("\n"));
}
