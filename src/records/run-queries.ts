import type { StateType } from "./state-type.js";

/** Filter and page for {@link FlowRunRecord} listings. Newest first. */
export interface FlowRunQuery {
  flowName?: string;
  stateTypes?: StateType[];
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
