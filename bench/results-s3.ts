// A 200 MB result through S3 (issue 13 §2): Cairn (a task persisting it: framed blob, streamed
// multipart upload; readResult: streamed GET) against the AWS SDK alone (msgpack pack +
// @aws-sdk/lib-storage Upload; streamed GetObject into one buffer + unpack), against the same
// SeaweedFS in the same run. Each case runs in its own process, so its peak RSS is its own.
// Run: npm run bench (or: node --expose-gc --import tsx bench/results-s3.ts)
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { pack, unpack } from "msgpackr";
import { readResult, S3, task, type PersistedResult } from "../src/index.js";
import { s3ClientConfig } from "../src/blocks/s3/s3-client-config.js";
import { createTestEngine } from "../src/testing/index.js";
import { startS3Server } from "../test/support/s3-server.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const MB = 1e6;
const PAYLOAD_BYTES = Number(process.env.CAIRN_BENCH_S3_BYTES ?? 200 * MB);
const PART = 8 * 1024 * 1024;

interface Figures { ms: number; extraMb: number }
interface Server { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string }

/** The value: 200 MB of bytes (incompressible) and a small label. */
function payload(bytes: number): { bytes: Uint8Array; label: string } {
  return { bytes: randomBytes(bytes), label: "two hundred megabytes" };
}

async function caseMain(which: string, server: Server): Promise<void> {
  const settings = { endpointUrl: server.endpoint, awsAccessKeyId: server.accessKeyId, awsSecretAccessKey: server.secretAccessKey };
  const storage = new S3({ bucketPath: `${server.bucket}/bench`, ...settings, uploadPartSize: PART });
  const client = new S3Client(s3ClientConfig(storage)); // the same client settings (path style, checksums when required)
  const { engine, cleanup } = createTestEngine();
  const value = payload(PAYLOAD_BYTES);
  const big = task({ persistResult: true, resultStorage: storage, cacheResultInMemory: false, name: "big-s3" }, () => value);
  let key = "";
  const sdkKey = "bench/sdk.bin";
  // Prepare what a read needs, and warm up the connection and the code paths on a small object.
  if (which === "cairn-read") key = ((await engine.run(() => big.returnState())).data as PersistedResult).storageKey;
  if (which === "sdk-read") await new Upload({ client, params: { Bucket: server.bucket, Key: sdkKey, Body: pack(value) }, partSize: PART, queueSize: 4 }).done();
  const small = task({ persistResult: true, resultStorage: storage, name: "warm-s3" }, () => ({ bytes: randomBytes(2 * 1024 * 1024) }));
  await engine.run(() => small());
  gc();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const start = performance.now();
  if (which === "sdk-write") {
    await new Upload({ client, params: { Bucket: server.bucket, Key: sdkKey, Body: pack(value) }, partSize: PART, queueSize: 4, leavePartsOnError: false }).done();
  } else if (which === "cairn-write") {
    await engine.run(() => big.returnState());
  } else if (which === "sdk-read") {
    const answer = await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: sdkKey }));
    const out = Buffer.allocUnsafe(answer.ContentLength ?? 0);
    let at = 0;
    for await (const chunk of answer.Body as Readable) at += (chunk as Buffer).copy(out, at);
    unpack(out);
  } else if (which === "cairn-read") {
    await engine.run(() => readResult(key, { storage }));
  }
  const ms = performance.now() - start;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024 > base ? peak : base);
  await cleanup();
  await storage.close();
  client.destroy();
  console.log(JSON.stringify({ ms, extraMb: (peak - base) / MB }));
}

function runCase(which: string, server: Server): Figures {
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "bench/results-s3.ts", "case", which, JSON.stringify(server)], {
    encoding: "utf8",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as Figures;
}

async function main(): Promise<void> {
  const s3 = await startS3Server();
  try {
    const server: Server = { endpoint: s3.endpoint, bucket: s3.bucket, accessKeyId: s3.adminKeys.awsAccessKeyId, secretAccessKey: s3.adminKeys.awsSecretAccessKey };
    const cases = ["sdk-write", "cairn-write", "sdk-read", "cairn-read"] as const;
    const best: Partial<Record<(typeof cases)[number], Figures>> = {};
    for (let round = 0; round < 3; round++) {
      for (const c of cases) {
        const fig = runCase(c, server);
        const prev = best[c];
        if (prev === undefined || fig.ms < prev.ms) best[c] = { ms: fig.ms, extraMb: prev === undefined ? fig.extraMb : Math.min(prev.extraMb, fig.extraMb) };
      }
    }
    const payloadMb = PAYLOAD_BYTES / MB;
    const rate = (c: (typeof cases)[number]): number => payloadMb / (best[c]!.ms / 1000);
    const row = (label: string, c: (typeof cases)[number], base: (typeof cases)[number]): string =>
      `| ${label} | ${best[c]!.ms.toFixed(0)} | ${rate(c).toFixed(0)} | ${(rate(c) / rate(base)).toFixed(2)}× | ${best[c]!.extraMb.toFixed(0)} MB (${(best[c]!.extraMb / payloadMb).toFixed(2)}× payload) |`;
    console.log(`### A ${payloadMb.toFixed(0)} MB result through S3 (SeaweedFS on this machine)

Command: \`npm run bench\` (bench/results-s3.ts). The value: ${payloadMb.toFixed(0)} MB of random bytes; 8 MiB parts, 4 in flight on both sides.

| case | ms | MB/s | ratio to the SDK alone | peak memory above the process's baseline (the value already in memory) |
|---|---:|---:|---:|---:|
${row("AWS SDK alone: msgpack pack + @aws-sdk/lib-storage Upload", "sdk-write", "sdk-write")}
${row("Cairn write: a task run persisting it (framed blob, streamed multipart upload)", "cairn-write", "sdk-write")}
${row("AWS SDK alone: streamed GetObject into one buffer + msgpack unpack", "sdk-read", "sdk-read")}
${row("Cairn read: readResult (streamed GET, integrity check, deserialize)", "cairn-read", "sdk-read")}

Goals: throughput ≥ 0.8× of the SDK alone; peak memory ≤ 1.5× the payload above the baseline. Best of 3 rounds, interleaved,
each case in its own process (peak RSS sampled every 5 ms).
`);
  } finally {
    await s3.stop();
  }
}

if (process.argv[2] === "case") {
  await caseMain(process.argv[3]!, JSON.parse(process.argv[4]!) as Server);
} else {
  await main();
}
