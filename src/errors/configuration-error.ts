import { CairnError, type CairnErrorContext } from "./cairn-error.js";

/**
 * Options, settings or blocks that cannot work together, detected where they are given.
 *
 * @example
 * ```ts
 * task({ persistResult: false, cacheKeyFn: taskInputHash }, fn); // throws ConfigurationError
 * ```
 */
export class ConfigurationError extends CairnError {
  constructor(message: string, options: { cause?: unknown; context?: CairnErrorContext } = {}) {
    super("CONFIGURATION_ERROR", message, options);
  }
}
