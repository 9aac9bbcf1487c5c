/**
 * The rows the metadata store keeps. They carry metadata and result *references*
 * only, never result data (literal `null`/`true`/`false` aside).
 *
 * Timestamps are ISO-8601 strings in UTC (`Date#toISOString()`), so they sort as text
 * on every database.
 */

/** The state types of DESIGN §2. */
export type StateType =
  | "SCHEDULED"
  | "PENDING"
  | "RUNNING"
  | "COMPLETED"
  | "FAILED"
  | "CANCELLED"
  | "CRASHED"
  | "PAUSED";

/** State types after which a run does not change any more. */
export const FINAL_STATE_TYPES: ReadonlySet<StateType> = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "CRASHED",
]);

/** Who runs a run: lets a later process tell a live run from one whose process died. */
export interface RunOwner {
  /** Hostname of the machine running it. */
  host: string;
  /** Process id on that host. */
  pid: number;
  /** Random id of the engine instance (distinguishes reused pids). */
  engineId: string;
}

/** One row per flow run, carrying its current state. Upserted by id. */
export interface FlowRunRecord {
  id: string;
  /** The run's generated name, e.g. `"amber-otter"`. */
  name: string;
  flowName: string;
  flowVersion: string | null;
  /** JSON text of the parameters (values that are not JSON-able are summarised). */
  parameters: string;
  tags: string[];
  /** The task run in the parent flow that stands for this run when it is a subflow. */
  parentTaskRunId: string | null;
  stateType: StateType;
  stateName: string;
  stateMessage: string | null;
  stateTimestamp: string;
  /** Number of times the flow function was entered (1 + retries taken). */
  runCount: number;
  startTime: string | null;
  endTime: string | null;
  created: string;
  owner: RunOwner;
}

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

/** Log levels, as numbers so they compare. */
export const LOG_LEVELS = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 } as const;
/** The name of a log level. */
export type LogLevelName = keyof typeof LOG_LEVELS;

/** A line a run logger wrote. Append-only. */
export interface LogRecord {
  flowRunId: string | null;
  taskRunId: string | null;
  level: number;
  /** Logger name, e.g. `"cairn.flow_runs"` or `"cairn.task_runs"`. */
  name: string;
  message: string;
  timestamp: string;
}

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

/**
 * A saved block document (DESIGN §6): a typed, named configuration, such as the
 * bucket and credentials of an `S3` storage block. Read back, its secret fields hold
 * `"********"` unless secrets were asked for explicitly.
 */
export interface BlockDocumentRecord {
  id: string;
  /** The block type slug, e.g. `"s3"`, `"local-file-system"`. */
  blockTypeSlug: string;
  /** The name; anonymous documents are named `anonymous-<id>`. */
  name: string;
  /** The fields, as the block's `toConfig` gives them. */
  data: Record<string, unknown>;
  /** The names of the fields that are secret (encrypted at rest). */
  secretFields: string[];
  /** True for a document saved anonymously (an unsaved block a persisted result needed). */
  isAnonymous: boolean;
  created: string;
  updated: string;
}

/** What {@link BlockDocumentRecord}s are saved from: fields with secrets in clear. */
export interface BlockDocumentInput {
  blockTypeSlug: string;
  /** Lowercase letters, digits and dashes; ignored for anonymous saves. */
  name: string;
  data: Record<string, unknown>;
  /** The fields of `data` to encrypt at rest (and mask in reads without secrets). */
  secretFields: string[];
}

/** How a block document is read. */
export interface BlockDocumentReadOptions {
  /** Return secret fields in clear instead of `"********"`. @default false */
  includeSecrets?: boolean;
}

/** Filter of block document listings. Ordered by type, then name. */
export interface BlockDocumentQuery {
  blockTypeSlug?: string;
  /** Include anonymous documents. @default false */
  includeAnonymous?: boolean;
}

/** A result reference found in the metadata store (see `OrchestrationClient.readResultReferences`). */
export interface ResultReferenceRecord {
  /** The JSON text of the reference, exactly as stored (used to forget it). */
  data: string;
  storageKey: string;
  storageBlockId: string | null;
  /** When the result expires (ISO text), or null. */
  expiration: string | null;
  /** When the state that holds it was recorded (ISO text). */
  timestamp: string;
  flowRunId: string | null;
  taskRunId: string | null;
}

/** Where a page of {@link ResultReferenceRecord}s ended. */
export interface ResultReferenceCursor {
  runId: string;
  seq: number;
}
