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
