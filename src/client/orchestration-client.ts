import type {
  BlockDocumentInput,
  BlockDocumentQuery,
  BlockDocumentReadOptions,
  BlockDocumentRecord,
  FlowRunQuery,
  FlowRunRecord,
  LogQuery,
  LogRecord,
  ResultReferenceCursor,
  ResultReferenceRecord,
  StateRecord,
  TaskRunQuery,
  TaskRunRecord,
} from "../records/index.js";

/**
 * Everything the engine and the CLI ask of the metadata store.
 *
 * Writes are *recorded*, not awaited: `record*` methods queue the change and return at
 * once; the implementation writes queued changes in bursts (one transaction each) and
 * {@link OrchestrationClient.flush} waits until everything queued so far is durable.
 * Queued changes to the same run are applied in the order they were recorded.
 *
 * Implementations: the embedded client (SQLite, in-process) and, later, the HTTP client
 * of `cairn server`. Both share one contract test suite.
 */
export interface OrchestrationClient {
  /** Inserts the flow run, or replaces its row (same id) with this newer version. */
  recordFlowRun(run: FlowRunRecord): void;
  /** Inserts the task run, or replaces its row (same id) with this newer version. */
  recordTaskRun(run: TaskRunRecord): void;
  /**
   * Appends a state to a run's history. Record the run's row (its new current state) right
   * after it: a state never starts a write of its own, so the two are written together.
   */
  recordState(state: StateRecord): void;
  /** Appends log lines. */
  recordLogs(logs: readonly LogRecord[]): void;

  /** Resolves when every change recorded before the call is durable. */
  flush(): Promise<void>;
  /**
   * A write barrier: resolves when every change recorded before the call is durable, or as
   * soon as writing them fails (the failure is kept for the next {@link OrchestrationClient.flush};
   * a barrier never rejects). The engine calls it once per flow run, before the run's first
   * result blob is written, so that every blob on disk belongs to a run the store knows.
   */
  barrier(): Promise<void>;
  /**
   * Writes every queued change synchronously when the implementation can
   * (used on process exit); returns false when it cannot, or when the write failed
   * (it never throws; the next {@link OrchestrationClient.flush} reports the failure).
   */
  flushSync(): boolean;

  readFlowRuns(query?: FlowRunQuery): Promise<FlowRunRecord[]>;
  /**
   * Accepts a full id or a unique prefix of one; undefined when nothing matches.
   * @throws `AmbiguousIdError` (`../records/ambiguous-id-error.js`) when the prefix matches several runs.
   */
  readFlowRun(id: string): Promise<FlowRunRecord | undefined>;
  readTaskRuns(query?: TaskRunQuery): Promise<TaskRunRecord[]>;
  /** Like {@link OrchestrationClient.readFlowRun}, for task runs. */
  readTaskRun(id: string): Promise<TaskRunRecord | undefined>;
  /**
   * Cache candidates: the newest COMPLETED task runs recorded under `cacheKey` whose cache
   * entry has not expired at `now` (ISO text), newest first, at most `limit` (default 3).
   * May not see changes recorded but not yet flushed (the engine keeps its own recent entries).
   */
  readCachedTaskRuns(cacheKey: string, now: string, limit?: number): Promise<TaskRunRecord[]>;
  /**
   * Result references recorded in states, one per distinct reference, in a stable order;
   * page with `after` (the last record of the previous page) and `limit` (default 500).
   */
  readResultReferences(page?: { after?: ResultReferenceCursor; limit?: number }): Promise<{ references: ResultReferenceRecord[]; next: ResultReferenceCursor | undefined }>;
  /**
   * Forgets results whose data was deleted: every state and task run that held one of these
   * references (by its exact JSON text) now holds `{"type":"unpersisted","pruned":true}`,
   * and those task runs are no longer cache entries. Returns how many rows changed.
   */
  forgetResultReferences(data: readonly string[]): Promise<number>;
  /** The states of a flow run or a task run, oldest first. */
  readStates(runId: string): Promise<StateRecord[]>;
  readLogs(query: LogQuery): Promise<LogRecord[]>;

  /**
   * Marks as CRASHED every non-final run whose owning process is gone (same host, pid not
   * alive, or a different engine id on that pid). Returns how many runs it marked.
   */
  markOrphanedRunsCrashed(): Promise<number>;

  /**
   * Saves a block document under `input.name`, secrets encrypted. Without `overwrite`,
   * a taken name is refused (`BLOCK_ALREADY_EXISTS`); with it, the document keeps its id
   * and gets the new fields. Durable when the promise resolves.
   */
  saveBlockDocument(input: BlockDocumentInput, options?: { overwrite?: boolean }): Promise<BlockDocumentRecord>;
  /**
   * Saves an anonymous document for this configuration, or returns the one already saved
   * for an equal configuration (same type and fields, secrets included): once per
   * configuration, across processes. Its name is `anonymous-<id>`; `input.name` is ignored.
   */
  saveAnonymousBlockDocument(input: BlockDocumentInput): Promise<BlockDocumentRecord>;
  /** The document `blockTypeSlug/name`, or undefined. */
  readBlockDocument(blockTypeSlug: string, name: string, options?: BlockDocumentReadOptions): Promise<BlockDocumentRecord | undefined>;
  /** The document with this id, or undefined. */
  readBlockDocumentById(id: string, options?: BlockDocumentReadOptions): Promise<BlockDocumentRecord | undefined>;
  /** Documents (secrets masked), by type then name; anonymous ones only when asked for. */
  readBlockDocuments(query?: BlockDocumentQuery): Promise<BlockDocumentRecord[]>;
  /** Deletes the document `blockTypeSlug/name`; false when there was none. */
  deleteBlockDocument(blockTypeSlug: string, name: string): Promise<boolean>;

  /** Flushes and releases the connection. */
  close(): Promise<void>;
}
