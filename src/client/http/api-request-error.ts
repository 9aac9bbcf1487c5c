import { CairnError, type CairnErrorContext } from "../../errors/cairn-error.js";

/**
 * The Cairn server answered a request with an error, or could not be reached.
 *
 * `code` is the server's error code (`INVALID_REQUEST`, `PAYLOAD_TOO_LARGE`, ...), or
 * `API_UNREACHABLE` when no answer came; `context.status` is the HTTP status, `context.url`
 * the request's URL.
 *
 * @example
 * ```ts
 * try { await client.readFlowRuns(); } catch (err) {
 *   if (err instanceof ApiRequestError && err.code === "API_UNREACHABLE") console.error("is the server up?");
 * }
 * ```
 */
export class ApiRequestError extends CairnError {
  constructor(code: string, message: string, options: { cause?: unknown; context?: CairnErrorContext } = {}) {
    super(code, message, options);
  }

  /** The HTTP status, or undefined when the server did not answer. */
  get status(): number | undefined {
    const status = this.context.status;
    return typeof status === "number" ? status : undefined;
  }
}
