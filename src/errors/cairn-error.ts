/**
 * Fields that an error can carry to say where it happened.
 * All optional: an error names what it knows.
 */
export interface CairnErrorContext {
  /** The flow run the error belongs to. */
  flowRunId?: string;
  /** The task run the error belongs to. */
  taskRunId?: string;
  /** The name of the task or flow. */
  runName?: string;
  /** The attempt (1-based) during which the error happened. */
  attempt?: number;
  /** Any further structured detail. */
  [key: string]: unknown;
}

/**
 * Base class of every error Cairn raises on purpose.
 *
 * Each subclass has a stable {@link CairnError.code}, a `name` equal to its class
 * name, an optional `cause`, and structured {@link CairnError.context} fields.
 * Messages say what happened, why, and what to do.
 *
 * @example
 * ```ts
 * try { await myFlow(); } catch (err) {
 *   if (err instanceof CairnError && err.code === "CONFIGURATION_ERROR") { ... }
 * }
 * ```
 */
export class CairnError extends Error {
  /** A stable, machine-readable identifier of the kind of error. */
  readonly code: string;
  /** Structured detail: run ids, task name, attempt, ... */
  readonly context: CairnErrorContext;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; context?: CairnErrorContext } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    this.context = options.context ?? {};
  }
}

/** Returns true when `err` is a {@link CairnError} (optionally of the given code). */
export function isCairnError(err: unknown, code?: string): err is CairnError {
  return err instanceof CairnError && (code === undefined || err.code === code);
}
