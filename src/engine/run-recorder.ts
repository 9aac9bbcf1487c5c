import type { OrchestrationClient } from "../client/orchestration-client.js";
import { FINAL_STATE_TYPES, type FlowRunRecord, type StateRecord, type TaskRunRecord } from "../records/index.js";
import type { State } from "../states/state.js";
import { PersistedResult } from "../results/persisted-result.js";
import { isoTime } from "../utils/iso-time.js";

/** A run in progress, as the engine tracks it for crash marking. */
export interface ActiveRun {
  readonly kind: "flow" | "task";
  readonly id: string;
  /** The flow run the run belongs to (its own id for a flow run). */
  readonly flowRunId: string | null;
  /** Records a final state for the run from a raw record (used when the process is going away). */
  recordFinal(state: StateRecord): void;
}

const UNPERSISTED_JSON = JSON.stringify({ type: "unpersisted" });

/** Turns a {@link State} into the record the metadata store keeps (no result data). */
export function toStateRecord(state: State, flowRunId: string | null, taskRunId: string | null): StateRecord {
  const details = state.stateDetails;
  let detailsJson: string | null = null;
  const error = state.error;
  if (
    details.scheduledTime !== undefined ||
    details.cacheKey !== undefined ||
    details.inputs !== undefined ||
    error !== undefined
  ) {
    detailsJson = JSON.stringify({
      scheduledTime: details.scheduledTime?.toISOString(),
      cacheKey: details.cacheKey,
      cacheExpiration: details.cacheExpiration?.toISOString(),
      cache: details.cache,
      inputs: details.inputs,
      error: error === undefined ? undefined : describeError(error),
    });
  }
  return {
    id: state.id,
    flowRunId,
    taskRunId,
    type: state.type,
    name: state.name,
    message: state.message ?? null,
    timestamp: isoTime(state.timestamp.getTime()),
    data: resultText(state),
    details: detailsJson,
  };
}

/** A state's result as the store keeps it (JSON text), or null when it has none. */
function resultText(state: State): string | null {
  const data = state.data;
  if (data === undefined) return null;
  if (data.type === "unpersisted") return UNPERSISTED_JSON;
  if (data instanceof PersistedResult) return data.toRecordText();
  return JSON.stringify(data.toRecord());
}

function describeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: typeof error, message: String(error) };
}

/** Makes `record` the row's current state (and its start or end time, when it is one). */
function applyState(row: FlowRunRecord | TaskRunRecord, record: StateRecord): void {
  row.stateType = record.type;
  row.stateName = record.name;
  row.stateMessage = record.message;
  row.stateTimestamp = record.timestamp;
  if (record.type === "RUNNING" && row.startTime === null) row.startTime = record.timestamp;
  if (FINAL_STATE_TYPES.has(record.type)) row.endTime = record.timestamp;
}

/** Keeps a flow run's row and records each state change. */
export class FlowRunRecorder implements ActiveRun {
  readonly kind = "flow" as const;
  readonly row: FlowRunRecord;

  constructor(private readonly client: OrchestrationClient, row: FlowRunRecord) {
    this.row = row;
  }

  get id(): string { return this.row.id; }
  get flowRunId(): string { return this.row.id; }

  /** Records `state` as the run's new current state. */
  setState(state: State): void {
    this.#apply(toStateRecord(state, this.row.id, null));
  }

  recordFinal(state: StateRecord): void {
    this.#apply(state);
  }

  #apply(record: StateRecord): void {
    applyState(this.row, record);
    this.client.recordState(record);
    this.client.recordFlowRun({ ...this.row });
  }
}

/** Keeps a task run's row and records each state change. */
export class TaskRunRecorder implements ActiveRun {
  readonly kind = "task" as const;
  readonly row: TaskRunRecord;

  constructor(private readonly client: OrchestrationClient, row: TaskRunRecord) {
    this.row = row;
  }

  get id(): string { return this.row.id; }
  get flowRunId(): string | null { return this.row.flowRunId; }

  /** Records `state` as the run's new current state. */
  setState(state: State): void {
    this.#apply(toStateRecord(state, this.row.flowRunId, this.row.id));
  }

  recordFinal(state: StateRecord): void {
    this.#apply(state);
  }

  #apply(record: StateRecord): void {
    applyState(this.row, record);
    this.row.stateData = record.data;
    this.client.recordState(record);
    this.client.recordTaskRun({ ...this.row });
  }
}
