// The UI's only way to the server: typed GET requests on the public API, with the types
// generated from its OpenAPI document (api-types.ts). The UI never writes.
import { currentApiKey } from "./api-key.js";
import type { ApiGetRoutes } from "./api-types.js";

export type * from "./api-types.js";

/** A GET route of the API, e.g. `"/flow-runs/{id}"`. */
export type ApiPath = keyof ApiGetRoutes;

/** The parameters of a route: path parameters and query parameters together. */
export type ApiParams<P extends ApiPath> = ApiGetRoutes[P]["path"] & ApiGetRoutes[P]["query"];

/** The 200 body of a route. */
export type ApiResponse<P extends ApiPath> = ApiGetRoutes[P]["response"];

/** A request the API refused or could not answer: its status and the API's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Listener = (error: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** Calls `listener` whenever the API answers 401 (no key, or a wrong key). Returns the unsubscribe function. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** The URL of `path` with its parameters: `{name}` segments filled in, the rest as the query. */
export function apiUrl<P extends ApiPath>(path: P, params: ApiParams<P> = {} as ApiParams<P>): string {
  const query = new URLSearchParams();
  const used = new Set<string>();
  const filled = (path as string).replace(/\{(\w+)\}/g, (_, name: string) => {
    used.add(name);
    return encodeURIComponent(String((params as Record<string, unknown>)[name] ?? ""));
  });
  for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
    if (used.has(name) || value === undefined || value === null || value === "") continue;
    query.set(name, String(value));
  }
  const text = query.toString();
  return `/api${filled}${text === "" ? "" : `?${text}`}`;
}

/**
 * GETs a route of the API, sending the session's API key when there is one.
 *
 * @throws {ApiError} for any status but 200 (with the API's code and message), and for an unreachable server.
 *
 * @example
 * ```ts
 * const run = await apiGet("/flow-runs/{id}", { id });
 * ```
 */
export async function apiGet<P extends ApiPath>(path: P, params?: ApiParams<P>, init: { signal?: AbortSignal } = {}): Promise<ApiResponse<P>> {
  const key = currentApiKey();
  let response: Response;
  try {
    response = await fetch(apiUrl(path, params), {
      headers: { accept: "application/json", ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
  } catch (err) {
    if ((err as { name?: string }).name === "AbortError") throw err;
    throw new ApiError(0, "UNREACHABLE", "The Cairn server cannot be reached. Is `cairn server start` still running?");
  }
  if (response.ok) return (await response.json()) as ApiResponse<P>;
  let code = "HTTP_ERROR";
  let message = `The server answered ${response.status} ${response.statusText}.`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // not JSON: keep the status line
  }
  const error = new ApiError(response.status, code, message);
  // Only about the key in use now: an answer to a request sent before the user typed a key says nothing about it.
  if (response.status === 401 && key === currentApiKey() && init.signal?.aborted !== true) {
    for (const listener of unauthorizedListeners) listener(error);
  }
  throw error;
}
