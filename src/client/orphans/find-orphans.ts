import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { RunCrash, UnfinishedRun } from "../../database/service/unfinished-run.js";
import type { StateRecord } from "../../records/index.js";
import { isLocalEngine } from "./local-engines.js";
import { isProcessAlive } from "./process-liveness.js";

/**
 * Decides which unfinished runs are orphans, and the CRASHED state each one gets: runs of
 * this host whose pid is not alive, or whose pid is this process's but under an engine id
 * this process never used (an earlier process had the same pid). Runs owned by this
 * process, and runs of other hosts (their processes cannot be checked from here), are
 * left alone. Runs on the client's side of the API: only this host can check its pids.
 *
 * @example
 * ```ts
 * const crashes = findOrphans(await service.readUnfinishedRuns(hostname()));
 * await service.markRunsCrashed(crashes);
 * ```
 */
export function findOrphans(candidates: readonly UnfinishedRun[], host: string = hostname()): RunCrash[] {
  const alive = new Map<number, boolean>();
  const timestamp = new Date().toISOString();
  const crashes: RunCrash[] = [];
  for (const run of candidates) {
    if (run.owner.host !== host) continue;
    const { pid, engineId } = run.owner;
    let orphan: boolean;
    if (pid === process.pid) {
      orphan = !isLocalEngine(engineId);
    } else {
      let isAlive = alive.get(pid);
      if (isAlive === undefined) alive.set(pid, (isAlive = isProcessAlive(pid)));
      orphan = !isAlive;
    }
    if (orphan) crashes.push({ run, state: crashedState(run, timestamp) });
  }
  return crashes;
}

/** The CRASHED state recorded for an orphan. */
function crashedState(run: UnfinishedRun, timestamp: string): StateRecord {
  const { host, pid, engineId } = run.owner;
  const reused = pid === process.pid ? "; its pid now belongs to another process" : "";
  return {
    id: randomUUID(),
    flowRunId: run.flowRunId,
    taskRunId: run.kind === "task" ? run.id : null,
    type: "CRASHED",
    name: "Crashed",
    message: `The process that ran this run (pid ${pid} on host ${host}) exited before the run finished${reused}.`,
    timestamp,
    data: null,
    details: JSON.stringify({ owner: { host, pid, engineId } }),
  };
}
