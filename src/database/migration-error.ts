import { CairnError, type CairnErrorContext } from "../errors/cairn-error.js";

/**
 * The metadata store's schema could not be brought up to date.
 *
 * `context.migration` names the migration that failed, when one did.
 */
export class MigrationError extends CairnError {
  constructor(message: string, options: { cause?: unknown; context?: CairnErrorContext } = {}) {
    super("MIGRATION_ERROR", message, options);
  }
}
