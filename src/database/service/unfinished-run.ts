import type { RunOwner, StateRecord } from "../../records/index.js";

/**
 * A run that has not reached a final state, with the process that owns it: a candidate
 * for orphan detection. Only a process on the owner's host can tell whether the owner is
 * still alive, so the candidates are handed to the client, which decides.
 *
 * @example
 * ```ts
 * const candidates = await service.readUnfinishedRuns(hostname()); // UnfinishedRun[]
 * ```
 */
export interface UnfinishedRun {
  kind: "flow" | "task";
  id: string;
  /** The flow run (the run itself for a flow run; null for a standalone task run). */
  flowRunId: string | null;
  owner: RunOwner;
}

/**
 * "This run's owner is gone: record `state` (CRASHED) for it." Applied only when the run
 * is still unfinished and still owned by `run.owner`, so a stale decision changes nothing.
 *
 * @example
 * ```ts
 * await service.markRunsCrashed(findOrphans(candidates)); // RunCrash[]
 * ```
 */
export interface RunCrash {
  run: UnfinishedRun;
  state: StateRecord;
}
