import type { StateType } from "./state-type.js";

/** Filter and page for {@link FlowRunRecord} listings. Newest first. */
export interface FlowRunQuery {
  flowName?: string;
  stateTypes?: StateType[];
  /** Only runs with this tag (exact, case-sensitive). */
  tag?: string;
  /** Only runs created at or after this time (ISO text). */
  createdAfter?: string;
  /** Only runs created before this time (ISO text). */
  createdBefore?: string;
  /**
   * Keyset paging: only runs listed after this position (older, or as old and inserted
   * earlier): the `created` and insertion order of the last run of the previous page
   * (the API takes that run's id). `offset` then counts from there.
   */
  after?: { created: string; seq: number };
  limit?: number;
  offset?: number;
}

/** Filter and page for {@link TaskRunRecord} listings. Oldest first. */
export interface TaskRunQuery {
  flowRunId?: string;
  taskKey?: string;
  limit?: number;
  offset?: number;
}

/** Filter for {@link LogRecord} listings. Oldest first. */
export interface LogQuery {
  flowRunId?: string;
  taskRunId?: string;
  minLevel?: number;
  limit?: number;
}
