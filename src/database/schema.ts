import type { StateType } from "../records/index.js";

/**
 * The tables of the metadata store, as Kysely sees them (snake_case columns).
 *
 * Every id is text; every timestamp is an ISO-8601 UTC string (text), so the same
 * schema and the same queries work on SQLite and PostgreSQL. JSON payloads
 * (parameters, tags, result references, details) are stored as text.
 *
 * @example
 * ```ts
 * const db = new Kysely<CairnDatabase>({ dialect });
 * await db.selectFrom("flow_run").selectAll().execute();
 * ```
 */
export interface CairnDatabase {
  flow_run: FlowRunTable;
  task_run: TaskRunTable;
  run_state: RunStateTable;
  run_log: RunLogTable;
  block_document: BlockDocumentTable;
  write_batch: WriteBatchTable;
}

/** Columns shared by `flow_run` and `task_run`: the current state and the owning process. */
export interface RunColumns {
  id: string;
  name: string;
  state_type: StateType;
  state_name: string;
  state_message: string | null;
  state_timestamp: string;
  run_count: number;
  start_time: string | null;
  end_time: string | null;
  created: string;
  /** Hostname of the process that runs the run. */
  owner_host: string;
  /** Process id of that process. */
  owner_pid: number;
  /** Random id of the engine instance in that process. */
  owner_engine_id: string;
  /**
   * Order of first insertion (see `docs/metadata-store.md`): set when the row is
   * inserted, never changed by an upsert. Breaks ties between equal `created` values.
   */
  seq: number;
}

/** One row per flow run (`FlowRunRecord`). */
export interface FlowRunTable extends RunColumns {
  flow_name: string;
  flow_version: string | null;
  /** JSON text. */
  parameters: string;
  /** JSON array text. */
  tags: string;
  parent_task_run_id: string | null;
}

/** One row per task run (`TaskRunRecord`). */
export interface TaskRunTable extends RunColumns {
  task_key: string;
  dynamic_key: string;
  flow_run_id: string | null;
  cache_key: string | null;
  cache_expiration: string | null;
  /** JSON text of the current state's result reference. */
  state_data: string | null;
}

/** One row per state a run went through (`StateRecord`). Primary key: `(run_id, seq)`. */
export interface RunStateTable {
  id: string;
  /** The run the state belongs to: the task run id when there is one, else the flow run id. */
  run_id: string;
  flow_run_id: string | null;
  task_run_id: string | null;
  type: StateType;
  name: string;
  message: string | null;
  timestamp: string;
  data: string | null;
  details: string | null;
  /** Recording order (unique within a run): the history is read back ordered by it. */
  seq: number;
}

/** One row per log line (`LogRecord`). Log lines have no id: they are ordered by `seq`. */
export interface RunLogTable {
  flow_run_id: string | null;
  task_run_id: string | null;
  level: number;
  name: string;
  message: string;
  timestamp: string;
  /** Recording order: logs are read back ordered by it. */
  seq: number;
}

/**
 * One row per saved block document (migration `002-blocks`). Unique: `(block_type_slug, name)`,
 * and `config_hash` (set for anonymous documents only).
 */
export interface BlockDocumentTable {
  id: string;
  block_type_slug: string;
  name: string;
  /** JSON object text of the fields that are not secret. */
  data: string;
  /** JSON text of the encrypted secret fields (a `SecretsEnvelope`), or null when there are none. */
  secrets: string | null;
  /** 1 for a document saved anonymously (an unsaved block a result needed), else 0. */
  is_anonymous: number;
  /** Identifies the configuration of an anonymous document (see `blockConfigHash`); null for named ones. */
  config_hash: string | null;
  created: string;
  updated: string;
}

/** One row per write batch applied (migration `003-write-batches`): retried batches are not written twice. */
export interface WriteBatchTable {
  /** The id the client gave the batch. */
  id: string;
  /** When it was applied (ISO text); old rows are pruned. */
  applied: string;
}
