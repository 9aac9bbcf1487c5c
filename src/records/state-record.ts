import type { StateType } from "./state-type.js";

/** One row per state a run went through: the full history. Append-only. */
export interface StateRecord {
  id: string;
  /** Exactly one of `flowRunId`/`taskRunId` names the run this state belongs to... */
  flowRunId: string | null;
  /** ...except that a task run's states also carry its flow run id, when it has one. */
  taskRunId: string | null;
  type: StateType;
  name: string;
  message: string | null;
  timestamp: string;
  /**
   * JSON text of the result reference (`{"type":"literal",...}`,
   * `{"type":"reference",...}`, `{"type":"unpersisted"}`), or null.
   */
  data: string | null;
  /** JSON text of extra detail (scheduled time of a retry, cache key, error stack ...), or null. */
  details: string | null;
}
