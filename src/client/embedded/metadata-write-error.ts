import { CairnError, type CairnErrorContext } from "../../errors/cairn-error.js";

/**
 * Recorded changes could not be written to the metadata store.
 *
 * `context.retrying` says whether the changes are still queued (a transient failure,
 * e.g. the database stayed locked longer than the busy timeout: they are retried) or
 * were refused for good (a row the database rejects: `context.refused` rows were dropped,
 * the rest of their burst was written).
 */
export class MetadataWriteError extends CairnError {
  constructor(message: string, options: { cause?: unknown; context?: CairnErrorContext } = {}) {
    super("METADATA_WRITE_ERROR", message, options);
  }
}
