import type { StateType } from "../../records/index.js";

/** One attempt of a run: from a RUNNING state to the state that ended it. */
export interface Attempt {
  /** 1 for the first attempt, 2 for the first retry, ... */
  number: number;
  /** When it started (its RUNNING state). */
  start: string;
  /** When it ended; null while it runs. */
  end: string | null;
  /** How it ended: the final state's type, FAILED for an attempt that was retried, RUNNING while it runs. */
  stateType: StateType;
  /** The name of the state that ended it (`"Completed"`, `"Failed"`, `"AwaitingRetry"`, ...). */
  stateName: string;
  /** The message of that state (the error of a failed attempt). */
  message: string | null;
}

/** A state as attempts are derived from it. */
export interface StateMark {
  type: StateType;
  name: string;
  message: string | null;
  timestamp: string;
}

const ENDS_ATTEMPT: ReadonlySet<StateType> = new Set(["COMPLETED", "FAILED", "CANCELLED", "CRASHED", "SCHEDULED", "PAUSED"]);

/**
 * A run's attempts, from its states in recording order: each RUNNING state starts one,
 * the next final or SCHEDULED state ends it. An attempt ended by a SCHEDULED state
 * (`AwaitingRetry`) failed and was retried. A Cached run has no attempt.
 *
 * @example
 * ```ts
 * attemptsFromStates([running, awaitingRetry, retrying, completed]);
 * // [{ number: 1, stateType: "FAILED", ... }, { number: 2, stateType: "COMPLETED", ... }]
 * ```
 */
export function attemptsFromStates(states: readonly StateMark[]): Attempt[] {
  const attempts: Attempt[] = [];
  let open: Attempt | undefined;
  for (const state of states) {
    if (state.type === "RUNNING") {
      if (open !== undefined) open.end = state.timestamp; // a restart without an ending state
      open = { number: attempts.length + 1, start: state.timestamp, end: null, stateType: "RUNNING", stateName: state.name, message: null };
      attempts.push(open);
    } else if (open !== undefined && ENDS_ATTEMPT.has(state.type)) {
      open.end = state.timestamp;
      open.stateType = state.type === "SCHEDULED" ? "FAILED" : state.type;
      open.stateName = state.name;
      open.message = state.message;
      open = undefined;
    }
  }
  return attempts;
}

/** The columns of a run row {@link attemptsFromRow} reads. */
export interface RunRowMark {
  state_type: StateType;
  state_name: string;
  state_message: string | null;
  start_time: string | null;
  end_time: string | null;
  run_count: number | string;
}

/**
 * The attempts of a run that was entered at most once and is not waiting for a retry,
 * from its row alone: the row's start time is its first RUNNING state's, its end time its
 * final state's, so the one attempt reads the same as {@link attemptsFromStates} would
 * make it. Undefined for a run whose states must be read (retried, or SCHEDULED/PAUSED).
 *
 * @example
 * ```ts
 * attemptsFromRow(row) ?? attemptsFromStates(await statesOf(row.id));
 * ```
 */
export function attemptsFromRow(row: RunRowMark): Attempt[] | undefined {
  if (!rowTellsAttempts(row)) return undefined;
  if (row.start_time === null) return [];
  const ended = row.end_time !== null && row.state_type !== "RUNNING";
  return [
    {
      number: 1,
      start: row.start_time,
      end: ended ? row.end_time : null,
      stateType: ended ? row.state_type : "RUNNING",
      stateName: row.state_name,
      message: ended ? row.state_message : null,
    },
  ];
}

/** Whether {@link attemptsFromRow} can tell a run's attempts (else its states are needed). */
export function rowTellsAttempts(row: Pick<RunRowMark, "state_type" | "run_count">): boolean {
  return Number(row.run_count) <= 1 && row.state_type !== "SCHEDULED" && row.state_type !== "PAUSED";
}
