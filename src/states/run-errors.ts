import { CairnError, type CairnErrorContext } from "../errors/cairn-error.js";
import type { StateType } from "../records/index.js";

/**
 * Raised by `state.result()` for a FAILED, CRASHED or CANCELLED state that carries no
 * error of its own (e.g. a `Failed({ message })` returned by user code, or a state read
 * back from the metadata store).
 */
export class FailedRunError extends CairnError {
  /** The type of the state that failed. */
  readonly stateType: StateType;
  constructor(stateType: StateType, message: string, options: { context?: CairnErrorContext } = {}) {
    super("FAILED_RUN", message, options);
    this.stateType = stateType;
  }
}

/** Raised by `state.result()` on a state that is not final (the run has not finished). */
export class UnfinishedRunError extends CairnError {
  constructor(stateType: StateType, stateName: string) {
    super(
      "UNFINISHED_RUN",
      `The run is in state ${stateName} (${stateType}), which is not final, so it has no result yet. ` +
        "Wait for the run to finish (await the future or the call) before asking for its result.",
    );
  }
}
