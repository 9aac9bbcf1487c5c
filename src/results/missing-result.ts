import { CairnError, type CairnErrorContext } from "../errors/cairn-error.js";

/**
 * A result was asked for that is not available: it was not persisted (and this process
 * no longer holds it), or its data is gone from storage.
 */
export class MissingResult extends CairnError {
  constructor(
    message = "The result was not persisted and is no longer available.",
    options: { cause?: unknown; context?: CairnErrorContext } = {},
  ) {
    super("MISSING_RESULT", message, options);
  }
}
