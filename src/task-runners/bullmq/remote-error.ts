import { CairnError, type CairnErrorContext } from "../../errors/cairn-error.js";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { PersistenceDisabledError, RunTimeoutError, UpstreamTaskError } from "../../engine/run-errors.js";
import { DistributedError, type DistributedErrorCode } from "./distributed-error.js";

/** An error as it travels from a worker to the flow: JSON-able. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** A Cairn error's stable code. */
  readonly code?: string;
  readonly context?: CairnErrorContext;
}

/** The JSON-able form of a thrown value. */
export function encodeError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: "Error", message: typeof error === "string" ? error : `Non-error value thrown: ${String(error)}` };
  const out: { -readonly [K in keyof WireError]: WireError[K] } = { name: error.name, message: error.message };
  if (error.stack !== undefined) out.stack = error.stack;
  if (error instanceof CairnError) {
    out.code = error.code;
    out.context = jsonable(error.context);
  } else if (typeof (error as { code?: unknown }).code === "string") {
    out.code = (error as unknown as { code: string }).code;
  }
  return out;
}

const DISTRIBUTED_CODES = new Set<string>([
  "REDIS_UNREACHABLE", "STORAGE_NOT_SHARED", "TASK_NOT_FOUND", "DUPLICATE_TASK_KEY", "WORKER_MODULE_LOAD_FAILED",
  "VALUE_NOT_SENDABLE", "JOB_FAILED", "JOB_DROPPED", "INVALID_WORKER_OPTIONS", "WORKER_NOT_DRAINED",
]);

/**
 * The error back in the flow's process: Cairn's own errors as their classes (so
 * `instanceof RunTimeoutError` and `isCairnError(e, code)` hold), other errors as an
 * `Error` with the same name, message and code; the stack is the worker's.
 */
export function reviveError(wire: WireError): Error {
  const context = wire.context ?? {};
  let error: Error;
  switch (wire.code) {
    case "RUN_TIMEOUT": error = new RunTimeoutError(wire.message, context); break;
    case "UPSTREAM_TASK_FAILED": error = new UpstreamTaskError(wire.message, { context }); break;
    case "PERSISTENCE_DISABLED": error = new PersistenceDisabledError(wire.message, context); break;
    case "CONFIGURATION_ERROR": error = new ConfigurationError(wire.message, { context }); break;
    default:
      if (wire.code !== undefined && DISTRIBUTED_CODES.has(wire.code)) {
        error = new DistributedError(wire.code as DistributedErrorCode, wire.message, { context });
      } else if (wire.code !== undefined && wire.name !== "Error") {
        error = new CairnError(wire.code, wire.message, { context });
        error.name = wire.name;
      } else {
        error = new Error(wire.message);
        error.name = wire.name;
        if (wire.code !== undefined) (error as Error & { code: string }).code = wire.code;
      }
  }
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}

function jsonable(context: CairnErrorContext): CairnErrorContext | undefined {
  try {
    return JSON.parse(JSON.stringify(context)) as CairnErrorContext;
  } catch {
    return undefined;
  }
}
