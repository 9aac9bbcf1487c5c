import { setTimeout as sleep } from "node:timers/promises";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { ApiRequestError } from "./api-request-error.js";
import { reviveApiError, type ApiErrorBody } from "./revive-api-error.js";

/** Options of {@link ApiTransport}. */
export interface ApiTransportOptions {
  /** The API's base URL (`CAIRN_API_URL`), e.g. `http://127.0.0.1:4200/api`. */
  url: string;
  /** Sent as `Authorization: Bearer <key>` (`CAIRN_API_KEY`). */
  apiKey?: string | undefined;
  /**
   * How long a request is retried (with backoff) while the server cannot be reached or
   * answers 5xx, before the error is thrown.
   * @default 120000
   */
  retryTimeoutMs?: number;
  /** How long one attempt may take. @default 60000 */
  attemptTimeoutMs?: number;
}

/** One API call. */
export interface ApiCall {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path under the base URL, e.g. `/flow-runs`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON text of the body. */
  body?: string;
  /**
   * Whether sending the request twice does no harm. Idempotent calls are retried after
   * any network failure; others only when the request surely never reached the server
   * (connection refused).
   */
  idempotent: boolean;
  /** Statuses returned to the caller rather than thrown (e.g. 404 for "not found"). */
  accept?: readonly number[];
}

/** What a call answered. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Network error codes after which the request certainly did not reach the server. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
/** Statuses worth retrying: the server (or a proxy before it) is restarting or overloaded. */
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const MAX_DELAY_MS = 2000;

/**
 * HTTP to the Cairn API with Node's `fetch`: JSON bodies, the API key, errors turned into
 * Cairn errors, and retries with exponential backoff (50 ms doubling up to 2 s, with
 * jitter) while the server is unreachable or restarting, so that a client survives a
 * server restart in the middle of a flow.
 *
 * @example
 * ```ts
 * const api = new ApiTransport({ url: "http://127.0.0.1:4200/api", apiKey });
 * const { body } = await api.call({ method: "GET", path: "/flow-runs", query: { limit: 10 }, idempotent: true });
 * ```
 */
export class ApiTransport {
  /** The base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #retryTimeoutMs: number;
  readonly #attemptTimeoutMs: number;

  constructor(options: ApiTransportOptions) {
    this.baseUrl = options.url.replace(/\/+$/, "");
    this.#headers = { accept: "application/json" };
    if (options.apiKey !== undefined) this.#headers.authorization = `Bearer ${options.apiKey}`;
    this.#retryTimeoutMs = options.retryTimeoutMs ?? 120_000;
    this.#attemptTimeoutMs = options.attemptTimeoutMs ?? 60_000;
  }

  /** The headers every request carries (for the synchronous exit flush). */
  get headers(): Readonly<Record<string, string>> {
    return this.#headers;
  }

  /** The full URL of a call. */
  urlOf(path: string, query: ApiCall["query"] = {}): string {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /**
   * Makes the call, retrying as {@link ApiTransportOptions.retryTimeoutMs} allows.
   * @throws the revived API error, or {@link ApiRequestError} `API_UNREACHABLE`.
   */
  async call(call: ApiCall): Promise<ApiAnswer> {
    const url = this.urlOf(call.path, call.query);
    const deadline = Date.now() + this.#retryTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let failure: ApiRequestError | Error;
      try {
        const response = await fetch(url, {
          method: call.method,
          headers: call.body === undefined ? this.#headers : { ...this.#headers, "content-type": "application/json" },
          ...(call.body === undefined ? {} : { body: call.body }),
          signal: AbortSignal.timeout(this.#attemptTimeoutMs),
        });
        const body = await readJson(response);
        if (response.status === 404 && !isResourceNotFound(body)) throw notAnApi(this.baseUrl, url, response.status);
        if (response.ok || call.accept?.includes(response.status) === true) return { status: response.status, body };
        const error = reviveApiError(response.status, body as ApiErrorBody | undefined, url);
        if (!RETRY_STATUSES.has(response.status) || (!call.idempotent && response.status !== 503)) throw error;
        failure = error;
      } catch (err) {
        if (!isNetworkError(err)) throw err;
        const code = networkCode(err);
        if (!call.idempotent && !NOT_SENT.has(code)) throw unreachable(url, err, code);
        failure = unreachable(url, err, code);
      }
      // The last wait ends at the deadline: the whole retry window is used.
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw failure;
      await sleep(Math.min(remaining, Math.min(MAX_DELAY_MS, 50 * 2 ** attempt) * (0.5 + Math.random() / 2)));
    }
  }
}

/** A 404 about a resource (`FLOW_RUN_NOT_FOUND`, ...), as opposed to a route the server does not have. */
function isResourceNotFound(body: unknown): boolean {
  const code = (body as ApiErrorBody | undefined)?.error?.code;
  return typeof code === "string" && code.endsWith("_NOT_FOUND") && code !== "NOT_FOUND";
}

/** The URL answers, but not as the Cairn API: most often `CAIRN_API_URL` lacks its `/api`. */
function notAnApi(baseUrl: string, url: string, status: number): ConfigurationError {
  return new ConfigurationError(
    `CAIRN_API_URL (${baseUrl}) does not point at a Cairn API: ${url} answered ${status}. ` +
      "It is the server's URL followed by /api, e.g. http://127.0.0.1:4200/api.",
    { context: { setting: "CAIRN_API_URL", url, status } },
  );
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: { message: text.slice(0, 500) } };
  }
}

/** fetch rejects with a TypeError ("fetch failed") whose cause is the socket error, or with an abort. */
function isNetworkError(err: unknown): boolean {
  if (err instanceof ApiRequestError) return false;
  if (err instanceof TypeError) return true;
  const name = (err as { name?: unknown } | null)?.name;
  return name === "TimeoutError" || name === "AbortError";
}

function networkCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === "string") return cause.code;
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : "UNKNOWN";
}

function unreachable(url: string, err: unknown, code: string): ApiRequestError {
  const cause = (err as { cause?: unknown } | null)?.cause;
  const reason = cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err);
  return new ApiRequestError(
    "API_UNREACHABLE",
    `Could not reach the Cairn server at ${new URL(url).origin} (${reason}). Check that \`cairn server start\` ` +
      "is running there and that CAIRN_API_URL points at it.",
    { cause: err, context: { url, networkCode: code } },
  );
}
