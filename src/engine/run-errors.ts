import { CairnError, type CairnErrorContext } from "../errors/cairn-error.js";

/** A run took longer than its `timeoutSeconds`. */
export class RunTimeoutError extends CairnError {
  constructor(message: string, context: CairnErrorContext = {}) {
    super("RUN_TIMEOUT", message, { context });
  }
}

/** A task could not start because a future passed to it as an argument did not complete. */
export class UpstreamTaskError extends CairnError {
  constructor(message: string, options: { cause?: unknown; context?: CairnErrorContext } = {}) {
    super("UPSTREAM_TASK_FAILED", message, options);
  }
}

/** A retry was due, but the run has `persistResult: false`, so it cannot be retried safely. */
export class PersistenceDisabledError extends CairnError {
  constructor(message: string, context: CairnErrorContext = {}) {
    super("PERSISTENCE_DISABLED", message, { context });
  }
}
