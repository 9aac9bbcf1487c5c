import { BlockError, type BlockErrorCode } from "../../blocks/block-error.js";
import type { CairnError } from "../../errors/cairn-error.js";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { AmbiguousIdError } from "../../records/ambiguous-id-error.js";
import { ApiRequestError } from "./api-request-error.js";

/** The JSON error body of the API. */
export interface ApiErrorBody {
  error?: { code?: string; message?: string; context?: Record<string, unknown> };
}

/**
 * The error a failed API call throws on the client: the same class the embedded client
 * would throw for the same cause (`AmbiguousIdError`, `BlockError`, `ConfigurationError`),
 * else an {@link ApiRequestError} with the server's code and message.
 *
 * @example
 * ```ts
 * throw reviveApiError(response.status, await response.json(), url);
 * ```
 */
export function reviveApiError(status: number, body: ApiErrorBody | undefined, url: string): CairnError {
  const code = body?.error?.code ?? `HTTP_${status}`;
  const message = body?.error?.message ?? `The Cairn server answered ${status} to ${url}.`;
  const context = body?.error?.context ?? {};
  if (status === 401) {
    return new ApiRequestError(
      "UNAUTHORIZED",
      `The Cairn server at ${new URL(url).origin} refused the request: the API key is missing or wrong. ` +
        "Set CAIRN_API_KEY to the key the server was started with (its CAIRN_SERVER_API_KEY).",
      { context: { status, url } },
    );
  }
  if (code === "AMBIGUOUS_ID") {
    const kind = context.kind === "task run" ? "task run" : "flow run";
    const matches = Array.isArray(context.matches) ? context.matches.map(String) : [];
    return new AmbiguousIdError(kind, String(context.prefix ?? ""), matches);
  }
  if (code.startsWith("BLOCK_")) return new BlockError(code as BlockErrorCode, message, { context });
  if (code === "CONFIGURATION_ERROR") return new ConfigurationError(message, { context });
  return new ApiRequestError(code, message, { context: { ...context, status, url } });
}
