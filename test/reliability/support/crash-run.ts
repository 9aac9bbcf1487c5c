/**
 * Runs `fixtures/crash-child.ts` on a store, kills it with SIGKILL at a chosen moment, and
 * checks what it left behind: which runs the store knows, which blobs are on disk, how old
 * the oldest lost state change was when the process died.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { OrchestrationClient } from "../../../src/client/orchestration-client.js";
import type { CrashScenario } from "../fixtures/crash-child.js";

const CHILD = fileURLToPath(new URL("../fixtures/crash-child.ts", import.meta.url));

/** What the child reported before it was killed. */
export interface KilledChild {
  pid: number;
  /** Epoch ms at which SIGKILL was sent. */
  killedAt: number;
  /** Flow runs whose body started (subflows included), with the start time. */
  flows: Map<string, number>;
  /** Task runs whose function started (PENDING and RUNNING recorded before), in order. */
  tasks: { flowRunId: string; taskRunId: string; at: number }[];
  /** Epoch ms of each top-level flow call that returned (everything before it durable). */
  done: number[];
  stderr: string;
}

/** When to kill: `delayMs` after the child reported its `afterTasks`-th task run. */
export interface KillPoint {
  afterTasks: number;
  delayMs: number;
}

/**
 * Starts the child with `env`, waits until it reported `at.afterTasks` task runs, lets it
 * run `at.delayMs` more, and kills it with SIGKILL. Resolves once it has exited.
 */
export function runAndKill(env: Record<string, string | undefined>, scenario: CrashScenario, at: KillPoint): Promise<KilledChild> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(scenario)], {
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const result: KilledChild = { pid: child.pid ?? -1, killedAt: 0, flows: new Map(), tasks: [], done: [], stderr: "" };
    let buffered = "";
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      result.stderr += `\n(the child reported ${result.tasks.length} of ${at.afterTasks} task runs within 120 s)`;
      child.kill("SIGKILL");
    }, 120_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const [kind, a, b, c] = line.split(" ");
        if (kind === "F" && a !== undefined) result.flows.set(a, Number(b));
        else if (kind === "T" && a !== undefined && b !== undefined) result.tasks.push({ flowRunId: a, taskRunId: b, at: Number(c) });
        else if (kind === "D") result.done.push(Number(b));
        if (kind === "T" && timer === undefined && result.tasks.length >= at.afterTasks) {
          clearTimeout(giveUp);
          timer = setTimeout(() => {
            result.killedAt = Date.now();
            child.kill("SIGKILL");
          }, at.delayMs);
        }
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (result.stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(giveUp);
      if (timer !== undefined) clearTimeout(timer);
      if (signal !== "SIGKILL" || result.killedAt === 0) {
        reject(new Error(`the crash child ended before the planned kill (code ${code}, signal ${signal}): ${result.stderr}`));
        return;
      }
      resolve(result);
    });
  });
}

/** What the store and the result folder hold after a kill. */
export interface CrashFindings {
  /** Task runs that reported starting but whose row is not in the store. */
  lostTasks: number;
  /**
   * How long before the kill the oldest lost task run had started (0: nothing lost): every
   * state change older than this reached the store.
   */
  lossMs: number;
  /** Keyed result blobs ("r-<flowRunId>-<taskRunId>") whose flow run the store does not know. */
  blobsOfUnknownFlows: string[];
  /** Keyed result blobs on disk. */
  keyedBlobs: number;
  /** Files in the result folder. */
  files: string[];
}

/** Compares the child's report with the store and the result folder. */
export async function inspectAfterKill(client: OrchestrationClient, killed: KilledChild, resultsDir: string): Promise<CrashFindings> {
  const knownFlows = new Set<string>();
  const knownTasks = new Set<string>();
  for (const id of killed.flows.keys()) {
    if ((await client.readFlowRun(id)) === undefined) continue;
    knownFlows.add(id);
    for (const run of await client.readTaskRuns({ flowRunId: id })) knownTasks.add(run.id);
  }
  let oldestLost = Infinity;
  let lostTasks = 0;
  for (const t of killed.tasks) {
    if (knownTasks.has(t.taskRunId)) continue;
    lostTasks++;
    oldestLost = Math.min(oldestLost, t.at);
  }
  let files: string[] = [];
  try {
    files = readdirSync(resultsDir);
  } catch {
    files = [];
  }
  const keyed = files.filter((f) => /^r-[0-9a-f-]{36}-[0-9a-f-]{36}$/.test(f));
  const blobsOfUnknownFlows = keyed.filter((f) => !knownFlows.has(f.slice(2, 38)));
  return {
    lostTasks,
    lossMs: lostTasks === 0 ? 0 : Math.max(0, killed.killedAt - oldestLost),
    blobsOfUnknownFlows,
    keyedBlobs: keyed.length,
    files,
  };
}
