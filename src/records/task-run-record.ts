import type { RunOwner } from "./run-owner.js";
import type { StateType } from "./state-type.js";

/** One row per task run, carrying its current state. Upserted by id. */
export interface TaskRunRecord {
  id: string;
  /** The run's name, e.g. `"extract-user-0"`. */
  name: string;
  /** Stable identity of the task (its name and source location). */
  taskKey: string;
  /** Distinguishes calls of the same task within one flow run ("0", "1", ...). */
  dynamicKey: string;
  /** Null for a standalone task run (called outside any flow). */
  flowRunId: string | null;
  cacheKey: string | null;
  cacheExpiration: string | null;
  stateType: StateType;
  stateName: string;
  stateMessage: string | null;
  stateTimestamp: string;
  /** JSON text of the current state's result reference, or null. */
  stateData: string | null;
  runCount: number;
  startTime: string | null;
  endTime: string | null;
  created: string;
  owner: RunOwner;
}
