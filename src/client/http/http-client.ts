import { ServiceClient, type BatchPart, type WriteFailureKind } from "../service/service-client.js";
import { ApiRequestError } from "./api-request-error.js";
import { ApiTransport } from "./api-transport.js";
import { HttpMetadataApi } from "./http-metadata-api.js";
import { isServedInProcess } from "./in-process-servers.js";
import { postSync } from "./post-sync.js";

/** The most the synchronous exit flush may take. */
const SYNC_FLUSH_TIMEOUT_MS = 10_000;

/** Options of {@link HttpClient}. */
export interface HttpClientOptions {
  /** The API's base URL (`CAIRN_API_URL`), e.g. `http://127.0.0.1:4200/api`. */
  url: string;
  /** The key sent as `Authorization: Bearer <key>` (`CAIRN_API_KEY`). */
  apiKey?: string | undefined;
  /** Send in the background as soon as this many changes are queued. @default 2000 */
  flushThreshold?: number;
  /** Otherwise send this many milliseconds after the first change of a burst. @default 50 */
  flushIntervalMs?: number;
  /** The most rows one write request carries. @default 5000 */
  maxRowsPerRequest?: number;
  /** How long a request is retried while the server is unreachable or restarting. @default 120000 */
  retryTimeoutMs?: number;
  /** Send what is queued, synchronously, when the process exits normally. @default true */
  flushOnExit?: boolean;
}

/**
 * The {@link OrchestrationClient} of client mode: talks to `cairn server` over HTTP
 * (`CAIRN_API_URL`) and keeps nothing on local disk. The SDK and the CLI use it when
 * `CAIRN_API_URL` is set.
 *
 * Writes are buffered and POSTed to `/api/writes` in bursts (see {@link ServiceClient}),
 * each request carrying a batch id that makes it idempotent: a request that fails because
 * the server is unreachable or restarting is retried with backoff (for up to
 * `retryTimeoutMs`) with the same id, so a state change is never lost or doubled. A 401
 * becomes an error that says the API key (`CAIRN_API_KEY`) is missing or wrong.
 *
 * {@link HttpClient.flushSync} (process exit, crash marking) runs a short-lived helper
 * process that POSTs what is queued, and returns false when the server cannot be reached
 * then, or when this very process serves the API. Runs whose final states did not make it
 * stay non-final on the server until a process on the same host calls
 * {@link HttpClient.markOrphanedRunsCrashed} (`cairn flow-run ls` does): only that host
 * can tell that their process is gone.
 *
 * @example
 * ```ts
 * const client = new HttpClient({ url: "http://127.0.0.1:4200/api", apiKey: process.env.CAIRN_API_KEY });
 * client.recordFlowRun(run);
 * await client.flush();                 // committed by the server
 * await client.readStates(run.id);
 * await client.close();
 * ```
 */
export class HttpClient extends ServiceClient {
  /** The API's base URL. */
  readonly url: string;

  constructor(options: HttpClientOptions) {
    const transport = new ApiTransport({
      url: options.url,
      apiKey: options.apiKey,
      ...(options.retryTimeoutMs === undefined ? {} : { retryTimeoutMs: options.retryTimeoutMs }),
    });
    super({
      api: new HttpMetadataApi(transport),
      describe: `the Cairn server at ${transport.baseUrl}`,
      ...(options.flushThreshold === undefined ? {} : { flushThreshold: options.flushThreshold }),
      ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
      ...(options.maxRowsPerRequest === undefined ? {} : { maxRowsPerBatch: options.maxRowsPerRequest }),
      ...(options.flushOnExit === undefined ? {} : { flushOnExit: options.flushOnExit }),
      sendSync: (parts: readonly BatchPart[]) => {
        if (isServedInProcess(transport.baseUrl)) return undefined;
        const url = transport.urlOf("/writes");
        const requests = parts.map((p) => ({ url, headers: transport.headers, body: HttpMetadataApi.writeBody(p.batch, p.batchId) }));
        return postSync(requests, SYNC_FLUSH_TIMEOUT_MS);
      },
      classifyFailure,
    });
    this.url = transport.baseUrl;
  }
}

/** 413: split and resend; other 4xx (but 401 and 429): the rows are refused; the rest: retried later. */
function classifyFailure(err: unknown): WriteFailureKind {
  if (!(err instanceof ApiRequestError)) return "transient";
  const status = err.status;
  if (status === 413) return "too-large";
  if (status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 429) return "refused";
  return "transient";
}
