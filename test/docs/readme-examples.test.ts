// Runs every ```ts example=NAME block of the README, and every file in examples/, as a user
// would: in a fresh process, importing "cairn" (the built package), on a fresh CAIRN_HOME.
// A `// prints: X` comment on a line means X must be printed, in that order (`…` in X
// stands for any text). examples/ run with a real S3 server (SeaweedFS) in their environment.
// A block marked `file=NAME` is a module other blocks import: it is written as NAME, not run.
// A block marked `worker=NAME` runs while a `cairn worker start --module NAME` (the built bin,
// on the same CAIRN_HOME and a queue of its own) serves it; the worker must then stop cleanly.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { startS3Server, type S3TestServer } from "../support/s3-server.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const tsx = import.meta.resolve("tsx");

interface Example { name: string; code: string; file?: string; worker?: string }

function readmeExamples(): Example[] {
  const text = readFileSync(join(root, "README.md"), "utf8");
  return [...text.matchAll(/```ts example=([\w-]+)((?: [\w-]+=\S+)*)\n([\s\S]*?)```/g)].map((m) => {
    const attributes = Object.fromEntries([...m[2]!.matchAll(/ ([\w-]+)=(\S+)/g)].map((a) => [a[1]!, a[2]!]));
    return { name: m[1]!, code: m[3]!, ...(attributes.file ? { file: attributes.file } : {}), ...(attributes.worker ? { worker: attributes.worker } : {}) };
  });
}

/** Runs `cairn worker start --module <module>` (the built bin) in `dir` on `env`; resolves with a stop function once it is ready. */
async function serveWith(dir: string, module: string, env: Record<string, string | undefined>): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ["--import", tsx, join(root, "bin", "cairn.js"), "worker", "start", "--module", module], {
    cwd: dir,
    env: { ...process.env, ...env, NODE_OPTIONS: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const deadline = Date.now() + 60_000;
  while (!out.includes("Ready: waiting for jobs")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the worker for ${module} did not start:\n${out}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return async () => {
    child.kill("SIGTERM");
    assert.equal(await exited, 0, `the worker stops cleanly on SIGTERM:\n${out}`);
    // Leave nothing of the example's queue in Redis.
    const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
    try {
      const keys = await redis.keys(`bull:${env.CAIRN_WORKER_QUEUE ?? "cairn"}:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  };
}

function expectedLines(code: string): string[] {
  return [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]!.trim());
}

/** Whether an output line is the expected one; `…` in `expected` matches any text. */
function matches(line: string, expected: string): boolean {
  if (!expected.includes("…")) return line === expected;
  const pattern = expected.split("…").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${pattern}$`).test(line);
}

async function runExample(
  file: string,
  code: string,
  env: Record<string, string> = {},
  serve?: (env: Record<string, string | undefined>) => Promise<() => Promise<void>>,
): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "cairn-readme-"));
  const fullEnv = { ...process.env, CAIRN_HOME: home, CAIRN_LOGGING_TO_CONSOLE: "false", CAIRN_PROFILE: undefined, ...env };
  const stop = await serve?.(fullEnv);
  try {
    const { stdout } = await run(process.execPath, ["--import", tsx, file], {
      cwd: home,
      env: fullEnv,
      timeout: 60_000,
    });
    const lines = stdout.split("\n").map((l) => l.trim());
    let at = 0;
    for (const expected of expectedLines(code)) {
      const found = lines.findIndex((line, i) => i >= at && matches(line, expected));
      assert.ok(found >= 0, `expected the output to contain ${JSON.stringify(expected)} (in order); got:\n${stdout}`);
      at = found + 1;
    }
  } finally {
    await stop?.();
    rmSync(home, { recursive: true, force: true });
  }
}

describe("the README's examples run", () => {
  const dir = join(root, ".tmp", "readme-examples");
  mkdirSync(dir, { recursive: true });
  const examples = readmeExamples();
  it("has examples to run", () => assert.ok(examples.length >= 4));
  // Modules other examples import.
  for (const example of examples) if (example.file !== undefined) writeFileSync(join(dir, example.file), example.code);
  for (const example of examples.filter((e) => e.file === undefined)) {
    it(`README example "${example.name}"`, async () => {
      const file = join(dir, `${example.name}.ts`);
      writeFileSync(file, example.code);
      const worker = example.worker;
      if (worker === undefined) return runExample(file, example.code);
      // A queue of its own, so that no other worker on this Redis takes its jobs.
      const env = { CAIRN_WORKER_QUEUE: `readme-${randomBytes(4).toString("hex")}` };
      await runExample(file, example.code, env, (fullEnv) => serveWith(dir, `./${worker}`, fullEnv));
    });
  }
});

describe("examples/ run", () => {
  // The S3 examples read where to connect from these variables (see examples/s3-helpers.ts).
  let s3: S3TestServer | undefined;
  before(async () => {
    s3 = await startS3Server();
  });
  after(async () => {
    await s3?.stop();
  });
  const s3Env = (): Record<string, string> => ({
    CAIRN_EXAMPLE_S3_ENDPOINT: s3!.endpoint,
    CAIRN_EXAMPLE_S3_BUCKET: s3!.bucket,
    AWS_ACCESS_KEY_ID: s3!.adminKeys.awsAccessKeyId,
    AWS_SECRET_ACCESS_KEY: s3!.adminKeys.awsSecretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });
  for (const name of readdirSync(join(root, "examples")).filter((f) => f.endsWith(".ts"))) {
    it(`examples/${name}`, async () => {
      const file = join(root, "examples", name);
      await runExample(file, readFileSync(file, "utf8"), s3Env());
    });
  }
});
