import type { WriteBatchOptions } from "../../database/service/metadata-writer.js";
import type { RunCrash, UnfinishedRun } from "../../database/service/unfinished-run.js";
import type { WriteBatch } from "../../database/service/write-batch.js";
import type { WriteOutcome } from "../../database/service/write-outcome.js";
import type {
  BlockDocumentInput,
  BlockDocumentQuery,
  BlockDocumentReadOptions,
  BlockDocumentRecord,
  FlowRunQuery,
  FlowRunRecord,
  LogQuery,
  LogRecord,
  ResultReferenceCursor,
  ResultReferenceRecord,
  StateRecord,
  TaskRunQuery,
  TaskRunRecord,
} from "../../records/index.js";
import type { BlockDocuments, MetadataApi } from "../service/metadata-api.js";
import type { ApiCall, ApiTransport } from "./api-transport.js";
import { assertJsonFields } from "./assert-json-fields.js";

/** The server's page size limit (`MAX_PAGE_SIZE` of the API). */
const PAGE_SIZE = 1000;

/**
 * The service layer of a Cairn server, called over its HTTP API: each method is one
 * request (listings page through the API's pages), and errors are revived as the classes
 * the service itself throws.
 *
 * @example
 * ```ts
 * const api = new HttpMetadataApi(new ApiTransport({ url: "http://127.0.0.1:4200/api" }));
 * await api.readFlowRuns({ limit: 5 });
 * ```
 */
export class HttpMetadataApi implements MetadataApi {
  readonly #http: ApiTransport;
  readonly blocks: BlockDocuments;

  constructor(http: ApiTransport) {
    this.#http = http;
    this.blocks = new HttpBlockDocuments(http);
  }

  /** The request body of a write: what `flushSync` sends too. */
  static writeBody(batch: WriteBatch, batchId: string | undefined): string {
    return JSON.stringify({ batchId, ...batch });
  }

  async writeBatch(batch: WriteBatch, options: WriteBatchOptions = {}): Promise<WriteOutcome> {
    const body = HttpMetadataApi.writeBody(batch, options.batchId);
    // Retrying is safe only with a batch id (the server then writes a batch once).
    const { body: outcome } = await this.#http.call({ method: "POST", path: "/writes", body, idempotent: options.batchId !== undefined });
    return outcome as WriteOutcome;
  }

  readFlowRuns(query: FlowRunQuery = {}): Promise<FlowRunRecord[]> {
    const { flowName, stateTypes } = query;
    const filter = { flowName, stateTypes: stateTypes === undefined ? undefined : stateTypes.join(",") };
    return readPages<FlowRunRecord>(this.#http, "/flow-runs", filter, query.limit, query.offset);
  }

  readFlowRun(id: string): Promise<FlowRunRecord | undefined> {
    return readOne<FlowRunRecord>(this.#http, `/flow-runs/${encodeURIComponent(id)}`);
  }

  readTaskRuns(query: TaskRunQuery = {}): Promise<TaskRunRecord[]> {
    const filter = { flowRunId: query.flowRunId, taskKey: query.taskKey };
    return readPages<TaskRunRecord>(this.#http, "/task-runs", filter, query.limit, query.offset);
  }

  readTaskRun(id: string): Promise<TaskRunRecord | undefined> {
    return readOne<TaskRunRecord>(this.#http, `/task-runs/${encodeURIComponent(id)}`);
  }

  readCachedTaskRuns(cacheKey: string, now: string, limit = 3): Promise<TaskRunRecord[]> {
    return readItems<TaskRunRecord>(this.#http, { method: "GET", path: "/cache-candidates", query: { cacheKey, now, limit }, idempotent: true });
  }

  readStates(runId: string): Promise<StateRecord[]> {
    return readItems<StateRecord>(this.#http, { method: "GET", path: `/runs/${encodeURIComponent(runId)}/states`, idempotent: true });
  }

  readLogs(query: LogQuery): Promise<LogRecord[]> {
    const { flowRunId, taskRunId, minLevel, limit } = query;
    return readItems<LogRecord>(this.#http, { method: "GET", path: "/logs", query: { flowRunId, taskRunId, minLevel, limit }, idempotent: true });
  }

  async readResultReferences(
    page: { after?: ResultReferenceCursor; limit?: number } = {},
  ): Promise<{ references: ResultReferenceRecord[]; next: ResultReferenceCursor | undefined }> {
    const query = { afterRunId: page.after?.runId, afterSeq: page.after?.seq, limit: page.limit };
    const { body } = await this.#http.call({ method: "GET", path: "/result-references", query, idempotent: true });
    const { references, next } = body as { references: ResultReferenceRecord[]; next: ResultReferenceCursor | null };
    return { references, next: next ?? undefined };
  }

  async forgetResultReferences(data: readonly string[]): Promise<number> {
    if (data.length === 0) return 0;
    const body = JSON.stringify({ data });
    const { body: answer } = await this.#http.call({ method: "POST", path: "/result-references/forget", body, idempotent: true });
    return (answer as { changed: number }).changed;
  }

  readUnfinishedRuns(host: string): Promise<UnfinishedRun[]> {
    return readItems<UnfinishedRun>(this.#http, { method: "GET", path: "/unfinished-runs", query: { host }, idempotent: true });
  }

  async markRunsCrashed(crashes: readonly RunCrash[]): Promise<number> {
    if (crashes.length === 0) return 0;
    const { body } = await this.#http.call({ method: "POST", path: "/crashes", body: JSON.stringify({ crashes }), idempotent: true });
    return (body as { marked: number }).marked;
  }

  /** Nothing to release: connections are pooled by `fetch`. */
  async close(): Promise<void> {}
}

/** Block documents over HTTP. */
class HttpBlockDocuments implements BlockDocuments {
  readonly #http: ApiTransport;

  constructor(http: ApiTransport) {
    this.#http = http;
  }

  async save(input: BlockDocumentInput, options: { overwrite?: boolean } = {}): Promise<BlockDocumentRecord> {
    assertJsonFields(input);
    const overwrite = options.overwrite === true;
    const { body } = await this.#http.call({
      method: "PUT",
      path: blockPath(input.blockTypeSlug, input.name),
      body: JSON.stringify({ data: input.data, secretFields: input.secretFields, overwrite }),
      idempotent: overwrite,
    });
    return body as BlockDocumentRecord;
  }

  async saveAnonymous(input: BlockDocumentInput): Promise<BlockDocumentRecord> {
    assertJsonFields(input);
    const { body } = await this.#http.call({
      method: "POST",
      path: "/block-documents/anonymous",
      body: JSON.stringify({ blockTypeSlug: input.blockTypeSlug, data: input.data, secretFields: input.secretFields }),
      idempotent: true,
    });
    return body as BlockDocumentRecord;
  }

  read(blockTypeSlug: string, name: string, options: BlockDocumentReadOptions = {}): Promise<BlockDocumentRecord | undefined> {
    return readOne<BlockDocumentRecord>(this.#http, blockPath(blockTypeSlug, name), secretsQuery(options));
  }

  readById(id: string, options: BlockDocumentReadOptions = {}): Promise<BlockDocumentRecord | undefined> {
    return readOne<BlockDocumentRecord>(this.#http, `/block-documents/${encodeURIComponent(id)}`, secretsQuery(options));
  }

  list(query: BlockDocumentQuery = {}): Promise<BlockDocumentRecord[]> {
    return readItems<BlockDocumentRecord>(this.#http, {
      method: "GET",
      path: "/block-documents",
      query: { blockTypeSlug: query.blockTypeSlug, includeAnonymous: query.includeAnonymous },
      idempotent: true,
    });
  }

  async delete(blockTypeSlug: string, name: string): Promise<boolean> {
    const { body } = await this.#http.call({ method: "DELETE", path: blockPath(blockTypeSlug, name), idempotent: true });
    return (body as { deleted: boolean }).deleted;
  }
}

async function readOne<T>(http: ApiTransport, path: string, query: ApiCall["query"] = {}): Promise<T | undefined> {
  const { status, body } = await http.call({ method: "GET", path, query, idempotent: true, accept: [404] });
  return status === 404 ? undefined : (body as T);
}

async function readItems<T>(http: ApiTransport, call: ApiCall): Promise<T[]> {
  const { body } = await http.call(call);
  return (body as { items: T[] }).items;
}

/** Reads a listing page by page (the server pages at most 1000 items). */
async function readPages<T>(http: ApiTransport, path: string, filter: ApiCall["query"], limit: number | undefined, offset = 0): Promise<T[]> {
  const items: T[] = [];
  let next: number | null = offset;
  while (next !== null && (limit === undefined || items.length < limit)) {
    const pageSize = limit === undefined ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - items.length);
    const { body } = await http.call({ method: "GET", path, query: { ...filter, limit: pageSize, offset: next }, idempotent: true });
    const page = body as { items: T[]; nextOffset: number | null };
    items.push(...page.items);
    next = page.nextOffset;
  }
  return items;
}

function blockPath(blockTypeSlug: string, name: string): string {
  return `/block-types/${encodeURIComponent(blockTypeSlug)}/block-documents/${encodeURIComponent(name)}`;
}

function secretsQuery(options: BlockDocumentReadOptions): ApiCall["query"] {
  return options.includeSecrets === true ? { includeSecrets: true } : {};
}
