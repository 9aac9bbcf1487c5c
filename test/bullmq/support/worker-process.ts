// Real `cairn worker start` processes (the CLI from the sources, through tsx) for the
// BullMQ tests, on a Redis prefix of their own that `cleanRedis` removes afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";

export const REDIS_URL = "redis://127.0.0.1:6379";
const CLI = fileURLToPath(new URL("../../server/fixtures/cli.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");
const STARTUP_TIMEOUT_MS = 60_000;

/** A queue and a prefix no other test uses. */
export function uniqueQueue(label: string): { queue: string; prefix: string } {
  const id = randomBytes(4).toString("hex");
  return { queue: `${label}-${id}`, prefix: `cairn-test-${id}` };
}

/** A running worker process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to clean up. */
  kill9(): Promise<void>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  env: Record<string, string | undefined>;
  modules: string[];
  queue: string;
  prefix: string;
  concurrency?: number;
  /** Resolve when the process exits instead of waiting for it to be ready (start errors). */
  expectExit?: boolean;
  cwd?: string;
  extraArgs?: string[];
}

/** Starts `cairn worker start` and waits until it takes jobs. */
export async function startWorker(options: StartWorkerOptions): Promise<WorkerProcess> {
  const args = [
    "--import", TSX, CLI, "worker", "start", "--module", ...options.modules,
    "--queue", options.queue, "--prefix", options.prefix, "--redis", REDIS_URL,
    "--concurrency", String(options.concurrency ?? 1), ...(options.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? process.cwd(),
    env: { ...(options.env as NodeJS.ProcessEnv), NODE_OPTIONS: "", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const worker: WorkerProcess = {
    child,
    pid: child.pid!,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
  if (options.expectExit === true) {
    await exited;
    return worker;
  }
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!out.includes("Ready: waiting for jobs")) {
    if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}) before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the worker was not ready within ${STARTUP_TIMEOUT_MS / 1000} s:\n${out}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return worker;
}

/** A Redis client for a test's own checks. */
export function testRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
}

/** Deletes every key under `prefix`. */
export async function cleanRedis(prefix: string): Promise<void> {
  const redis = testRedis();
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** Polls `check` until it returns true (or throws after `ms`). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 20_000, what = "the condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
