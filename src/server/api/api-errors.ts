import { CairnError, isCairnError } from "../../errors/cairn-error.js";

/** HTTP statuses the API answers errors with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 500 | 503;

/** The status of each error code the service layer raises on purpose. */
const STATUS_BY_CODE: Record<string, ErrorStatus> = {
  AMBIGUOUS_ID: 409,
  BLOCK_ALREADY_EXISTS: 409,
  BLOCK_NOT_FOUND: 404,
  BLOCK_INVALID_NAME: 400,
  BLOCK_NAME_RESERVED: 409,
  BLOCK_INVALID_DOCUMENT: 400,
  BLOCK_UNKNOWN_TYPE: 400,
  CONFIGURATION_ERROR: 400,
  SECRETS_FORBIDDEN: 403,
  SECRETS_NOT_LISTED: 400,
  KEY_ROTATION_FORBIDDEN: 403,
  KEY_ROTATION_REFUSED: 409,
  RESULT_PREVIEW_DISABLED: 403,
};

/**
 * A `CairnError` that the error handler turns into a 404 (its code ends in `_NOT_FOUND`).
 *
 * @example
 * ```ts
 * if (run === undefined) throw notFound("FLOW_RUN_NOT_FOUND", `No flow run has the id "${id}".`, { flowRunId: id });
 * ```
 */
export function notFound(code: `${string}_NOT_FOUND`, message: string, context: Record<string, unknown>): CairnError {
  return new CairnError(code, message, { context });
}

/**
 * The status for an error thrown by a handler: 4xx for errors the client can fix, else 500.
 *
 * @example
 * ```ts
 * errorStatus(new AmbiguousIdError("flow run", "ab", ["ab1", "ab2"])); // 409
 * ```
 */
export function errorStatus(err: unknown): ErrorStatus {
  if (!isCairnError(err)) return 500;
  if (err.code.endsWith("_NOT_FOUND")) return 404;
  return STATUS_BY_CODE[err.code] ?? 500;
}

/**
 * The JSON body of an error response: `{ error: { code, message, context? } }`.
 *
 * @example
 * ```ts
 * return c.json(errorBody("UNAUTHORIZED", "The API key is missing or wrong."), 401);
 * ```
 */
export function errorBody(code: string, message: string, context?: Record<string, unknown>) {
  return { error: context === undefined ? { code, message } : { code, message, context } };
}
