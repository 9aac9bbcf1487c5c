/**
 * Serializer benchmark: round trips (dumps + loads, base64 included) of msgpack, v8 and json
 * on a small object and on a large payload, then the compression libraries on the large one.
 *
 *   node --import tsx bench/serializers.ts            # full run
 *   node --import tsx bench/serializers.ts --quick    # fewer iterations
 *
 * Figures are copied into docs/serializers.md.
 */
import { performance } from "node:perf_hooks";
import {
  CompressedSerializer,
  JSONSerializer,
  MsgpackSerializer,
  V8Serializer,
  getCompressionLib,
  type Serializer,
} from "../src/serializers/index.js";

const quick = process.argv.includes("--quick");
const SMALL_ITERATIONS = quick ? 2_000 : 20_000;
const LARGE_RUNS = quick ? 2 : 9;
const MB = 1024 * 1024;

interface Row {
  name: string;
  dumpsMs: number;
  loadsMs: number;
  storedBytes: number;
}

function smallObject(): Record<string, unknown> {
  return {
    id: 48213,
    name: "extract-user",
    email: "marvin@example.com",
    active: true,
    score: 87.25,
    createdAt: new Date("2024-05-01T12:00:00Z"),
    tags: ["etl", "users", "daily"],
    address: { street: "42 Main St", city: "Springfield", zip: "12345", country: "US" },
    history: Array.from({ length: 12 }, (_, i) => ({ at: 1714560000 + i * 3600, value: i * 1.5, ok: i % 3 !== 0 })),
    notes: "Imported from the nightly batch; verified by the reconciliation step.",
  };
}

function largePayload(): Record<string, unknown> {
  const series = new Float64Array(1_000_000);
  for (let i = 0; i < series.length; i++) {
    series[i] = Math.round((1000 + 50 * Math.sin(i / 50) + (Math.random() - 0.5) * 10) * 10) / 10;
  }
  const start = Date.UTC(2024, 0, 1);
  const users = Array.from({ length: 100_000 }, (_, i) => ({
    id: i,
    name: `user-${i}`,
    email: `user${i}@example.com`,
    active: i % 3 === 0,
    score: Math.round(Math.random() * 10_000) / 10,
    tags: i % 2 === 0 ? ["a", "b"] : ["c"],
    createdAt: new Date(start + i * 1000),
  }));
  return { series, users };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

type Entry = [name: string, serializer: Serializer, value: unknown];

/**
 * Measures dumps and loads of each entry. Runs are interleaved (run 1 of every entry, then
 * run 2, ...) so that a busy machine slows all entries alike; each figure is a median.
 */
async function measureAll(entries: Entry[], iterations: number, runs: number): Promise<Row[]> {
  const texts: string[] = [];
  for (const [, serializer, value] of entries) {
    let text = await serializer.dumps(value);
    for (let i = 0; i < iterations; i++) text = await serializer.dumps(value); // warm-up
    for (let i = 0; i < iterations; i++) await serializer.loads(text);
    texts.push(text);
  }
  const dumps: number[][] = entries.map(() => []);
  const loads: number[][] = entries.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [index, [, serializer, value]] of entries.entries()) {
      gc();
      let t = performance.now();
      for (let i = 0; i < iterations; i++) await serializer.dumps(value);
      dumps[index]!.push((performance.now() - t) / iterations);
      const text = texts[index]!;
      gc();
      t = performance.now();
      for (let i = 0; i < iterations; i++) await serializer.loads(text);
      loads[index]!.push((performance.now() - t) / iterations);
    }
  }
  return entries.map(([name], index) => ({
    name,
    dumpsMs: median(dumps[index]!),
    loadsMs: median(loads[index]!),
    storedBytes: Buffer.byteLength(texts[index]!),
  }));
}

function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}

function table(title: string, rows: Row[], reference: Row, payloadBytes: number, compression: boolean): void {
  console.log(`\n${title}`);
  const header = compression
    ? ["serializer", "dumps ms", "loads ms", "round trip ms", "MB/s", "stored", "ratio", "time × msgpack"]
    : ["serializer", "dumps ms", "loads ms", "round trip ms", "MB/s", "stored", "size × msgpack", "time × msgpack"];
  const lines = rows.map((r) => {
    const rt = r.dumpsMs + r.loadsMs;
    const refRt = reference.dumpsMs + reference.loadsMs;
    const size = r.storedBytes >= MB ? `${fmt(r.storedBytes / MB)} MB` : `${r.storedBytes} B`;
    return [
      r.name,
      fmt(r.dumpsMs, 4),
      fmt(r.loadsMs, 4),
      fmt(rt, 4),
      fmt(payloadBytes / MB / (rt / 1000), 0),
      size,
      compression ? `${fmt(reference.storedBytes / r.storedBytes)}:1` : fmt(r.storedBytes / reference.storedBytes),
      fmt(rt / refRt),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  console.log(row(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const l of lines) console.log(row(l));
}

/** (c) The libraries alone on the msgpack bytes of the large payload: no serializer, no base64. */
async function compressionLibs(raw: Uint8Array): Promise<void> {
  const libs: Array<[string, string, number | undefined]> = [
    ["zstd level 1", "zstd", 1],
    ["zstd (default, level 3)", "zstd", undefined],
    ["zstd level 9", "zstd", 9],
    ["zlib (level 6)", "zlib", undefined],
    ["gzip (level 6)", "gzip", undefined],
    ["brotli quality 4", "brotli", 4],
    ["brotli (default, quality 5)", "brotli", undefined],
    ["brotli quality 7", "brotli", 7],
  ];
  console.log(`\n(c) compression libraries on the ${fmt(raw.byteLength / MB)} MB of msgpack bytes, median of ${LARGE_RUNS}`);
  const header = ["library", "compress ms", "compress MB/s", "decompress ms", "decompress MB/s", "compressed", "ratio"];
  const lines: string[][] = [];
  const packed: Uint8Array[] = [];
  for (const [, libName, level] of libs) {
    const lib = getCompressionLib(libName);
    packed.push(await lib.compress(raw, level));
    await lib.decompress(packed.at(-1)!);
  }
  const c: number[][] = libs.map(() => []);
  const d: number[][] = libs.map(() => []);
  for (let run = 0; run < LARGE_RUNS; run++) {
    for (const [index, [, libName, level]] of libs.entries()) {
      const lib = getCompressionLib(libName);
      gc();
      let t = performance.now();
      await lib.compress(raw, level);
      c[index]!.push(performance.now() - t);
      t = performance.now();
      await lib.decompress(packed[index]!);
      d[index]!.push(performance.now() - t);
    }
  }
  for (const [index, [name]] of libs.entries()) {
    const cm = median(c[index]!);
    const dm = median(d[index]!);
    const size = packed[index]!.byteLength;
    lines.push([
      name,
      fmt(cm, 1),
      fmt(raw.byteLength / MB / (cm / 1000), 0),
      fmt(dm, 1),
      fmt(raw.byteLength / MB / (dm / 1000), 0),
      `${fmt(size / MB)} MB`,
      `${fmt(raw.byteLength / size)}:1`,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const row = (cells: string[]) => `| ${cells.map((x, i) => x.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  console.log(row(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const l of lines) console.log(row(l));
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${process.platform}/${process.arch}${quick ? " (quick)" : ""}`);
  console.log("MB/s: the msgpack stored size (the payload's reference size) over the round-trip time.");

  const small = smallObject();
  const msgpack = new MsgpackSerializer();
  const base = [
    ["msgpack", msgpack],
    ["v8", new V8Serializer()],
    ["json", new JSONSerializer()],
  ] as const;

  const smallRows = await measureAll(
    base.map(([name, s]) => [name, s, small] as Entry),
    SMALL_ITERATIONS,
    5,
  );
  const smallRef = smallRows[0]!;
  table(`(a) small object, ${smallRef.storedBytes} B as msgpack base64, ${SMALL_ITERATIONS} iterations`, smallRows, smallRef, smallRef.storedBytes, false);

  const large = largePayload();
  // The same payload with shared references (every user shares one tags array): msgpack
  // then tracks references (structured clone), as v8 always does.
  const sharedTags = ["a", "b"];
  const sharedLarge = {
    ...large,
    users: (large.users as Array<Record<string, unknown>>).map((u) => ({ ...u, tags: sharedTags })),
  };
  const largeRows = await measureAll(
    [
      ...base.map(([name, s]) => [name, s, large] as Entry),
      ["msgpack, shared references", msgpack, sharedLarge],
      ["v8, shared references", base[1][1], sharedLarge],
    ],
    1,
    LARGE_RUNS,
  );
  const largeRef = largeRows[0]!;
  table(
    `(b) large payload (Float64Array of 1M doubles + 100k small objects), ${fmt(largeRef.storedBytes / MB)} MB as msgpack base64, median of ${LARGE_RUNS}`,
    largeRows,
    largeRef,
    largeRef.storedBytes,
    false,
  );

  await compressionLibs(msgpack.dumpsBytes(large));

  const compressed: Array<[string, Serializer]> = [
    ["msgpack (uncompressed)", msgpack],
    ["zstd level 1", new CompressedSerializer({ serializer: msgpack, compressionlib: "zstd", level: 1 })],
    ["zstd (default, level 3)", new CompressedSerializer({ serializer: msgpack, compressionlib: "zstd" })],
    ["zstd level 9", new CompressedSerializer({ serializer: msgpack, compressionlib: "zstd", level: 9 })],
    ["zlib (level 6)", new CompressedSerializer({ serializer: msgpack, compressionlib: "zlib" })],
    ["gzip (level 6)", new CompressedSerializer({ serializer: msgpack, compressionlib: "gzip" })],
    ["brotli quality 4", new CompressedSerializer({ serializer: msgpack, compressionlib: "brotli", level: 4 })],
    ["brotli (default, quality 5)", new CompressedSerializer({ serializer: msgpack, compressionlib: "brotli" })],
    ["brotli quality 7", new CompressedSerializer({ serializer: msgpack, compressionlib: "brotli", level: 7 })],
  ];
  const compressedRows = await measureAll(
    compressed.map(([name, s]) => [name, s, large] as Entry),
    1,
    LARGE_RUNS,
  );
  table(
    "(d) compressed/msgpack on the large payload, end to end (ratio: msgpack base64 size / stored size)",
    compressedRows,
    compressedRows[0]!,
    largeRef.storedBytes,
    true,
  );

  const json = new JSONSerializer();
  const jsonCompressed: Array<[string, Serializer]> = [
    ["json (uncompressed)", json],
    ["compressed/json, zstd", new CompressedSerializer({ serializer: json, compressionlib: "zstd" })],
    ["compressed/json, zlib", new CompressedSerializer({ serializer: json, compressionlib: "zlib" })],
    ["compressed/json, brotli 5", new CompressedSerializer({ serializer: json, compressionlib: "brotli" })],
  ];
  const jsonRows = await measureAll(
    jsonCompressed.map(([name, s]) => [name, s, large] as Entry),
    1,
    LARGE_RUNS,
  );
  table("(e) compressed/json on the large payload (ratio against uncompressed json)", jsonRows, jsonRows[0]!, largeRef.storedBytes, true);
}

await main();
