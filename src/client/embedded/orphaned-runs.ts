import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import { insertStates } from "../../database/queries/write-queries.js";
import {
  selectLastStateSeq,
  selectUnfinishedFlowRuns,
  selectUnfinishedTaskRuns,
  updateFlowRunState,
  updateTaskRunState,
} from "../../database/queries/orphan-queries.js";
import { stateToRow } from "../../database/rows/state-row.js";
import type { CairnDatabase } from "../../database/schema.js";
import type { StateRecord } from "../records.js";
import { isLocalEngine } from "./local-engines.js";
import { isProcessAlive } from "./process-liveness.js";
import { reserveSequence } from "./sequence.js";
import type { StatementCache } from "./statement-cache.js";

/** A run that is not final, with the process that owns it. */
interface Candidate {
  table: "flow_run" | "task_run";
  id: string;
  flowRunId: string | null;
  pid: number;
  engineId: string;
}

/**
 * Marks CRASHED every unfinished run of this host whose owning process is gone:
 * its pid is not alive, or it is this process's pid but an engine id this process never
 * used (an earlier process had the same pid). Runs owned by this process are never
 * touched; runs of other hosts neither (their processes cannot be checked from here).
 *
 * Runs in one `BEGIN IMMEDIATE` transaction, so the check and the update see the same rows.
 *
 * @returns how many runs it marked.
 */
export function markOrphanedRuns(
  sqlite: Database.Database,
  db: Kysely<CairnDatabase>,
  cache: StatementCache,
): number {
  const host = hostname();
  return sqlite
    .transaction(() => {
      const candidates: Candidate[] = [
        ...cache.all(selectUnfinishedFlowRuns(db, host).compile()).map((r) => ({
          table: "flow_run" as const,
          id: r.id,
          flowRunId: r.id,
          pid: Number(r.owner_pid),
          engineId: r.owner_engine_id,
        })),
        ...cache.all(selectUnfinishedTaskRuns(db, host).compile()).map((r) => ({
          table: "task_run" as const,
          id: r.id,
          flowRunId: r.flow_run_id,
          pid: Number(r.owner_pid),
          engineId: r.owner_engine_id,
        })),
      ];
      const alive = new Map<number, boolean>();
      const orphans = candidates.filter((c) => {
        if (c.pid === process.pid) return !isLocalEngine(c.engineId);
        let isAlive = alive.get(c.pid);
        if (isAlive === undefined) alive.set(c.pid, (isAlive = isProcessAlive(c.pid)));
        return !isAlive;
      });
      const timestamp = new Date().toISOString();
      let next = reserveSequence(orphans.length);
      for (const orphan of orphans) {
        const state = crashedState(orphan, host, timestamp);
        // After the run's last state, even if the dead process's clock ran ahead of ours.
        const last = cache.all(selectLastStateSeq(db, orphan.id).compile())[0]?.seq;
        const seq = Math.max(next++, last === null || last === undefined ? 0 : Number(last) + 1);
        cache.run(insertStates(db, [stateToRow(state, seq)]).compile());
        const update = orphan.table === "flow_run" ? updateFlowRunState : updateTaskRunState;
        cache.run(update(db, orphan.id, state).compile());
      }
      return orphans.length;
    })
    .immediate();
}

function crashedState(orphan: Candidate, host: string, timestamp: string): StateRecord {
  const reused = orphan.pid === process.pid ? "; its pid now belongs to another process" : "";
  return {
    id: randomUUID(),
    flowRunId: orphan.flowRunId,
    taskRunId: orphan.table === "task_run" ? orphan.id : null,
    type: "CRASHED",
    name: "Crashed",
    message:
      `The process that ran this run (pid ${orphan.pid} on host ${host}) exited before the ` +
      `run finished${reused}.`,
    timestamp,
    data: null,
    details: JSON.stringify({ owner: { host, pid: orphan.pid, engineId: orphan.engineId } }),
  };
}
