/**
 * The domain records of the metadata store: runs, states, logs, block documents and
 * result references. They carry metadata and result *references* only, never result data
 * (literal `null`/`true`/`false` aside). This room sits at the bottom of the import graph:
 * the engine, the clients, the service layer and the database all build on it, and it
 * imports nothing of theirs.
 *
 * Timestamps are ISO-8601 strings in UTC (`Date#toISOString()`), so they sort as text
 * on every database.
 */
export { FINAL_STATE_TYPES, type StateType } from "./state-type.js";
export type { RunOwner } from "./run-owner.js";
export type { FlowRunRecord } from "./flow-run-record.js";
export type { TaskRunRecord } from "./task-run-record.js";
export type { StateRecord } from "./state-record.js";
export { LOG_LEVELS, type LogLevelName, type LogRecord } from "./log-record.js";
export type { FlowRunQuery, TaskRunQuery, LogQuery } from "./run-queries.js";
export type {
  BlockDocumentRecord, BlockDocumentInput, BlockDocumentReadOptions, BlockDocumentQuery,
} from "./block-document-record.js";
export type { ResultReferenceRecord, ResultReferenceCursor } from "./result-reference-record.js";
export { AmbiguousIdError } from "./ambiguous-id-error.js";
