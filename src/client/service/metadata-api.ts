import type { BlockDocumentStore } from "../../blocks/block-document-store.js";
import type { MetadataService } from "../../database/service/metadata-service.js";

/**
 * The service layer as a client sees it: the {@link MetadataService} itself (in-process,
 * e.g. on PostgreSQL) or its proxy over HTTP (`HttpMetadataApi`). `ServiceClient` turns
 * either into an `OrchestrationClient`, buffering writes into batches.
 *
 * @example
 * ```ts
 * const api: MetadataApi = await openMetadataService({ databaseUrl, secretKey });
 * const client = new ServiceClient({ api, describe: "PostgreSQL at db:5432/cairn" });
 * ```
 */
export interface MetadataApi
  extends Pick<
    MetadataService,
    | "writeBatch"
    | "readFlowRuns"
    | "readFlowRun"
    | "readTaskRuns"
    | "readTaskRun"
    | "readCachedTaskRuns"
    | "readStates"
    | "readLogs"
    | "readResultReferences"
    | "forgetResultReferences"
    | "readUnfinishedRuns"
    | "markRunsCrashed"
    | "close"
  > {
  readonly blocks: BlockDocuments;
}

/** The block-document operations of the service layer. */
export type BlockDocuments = Pick<BlockDocumentStore, "save" | "saveAnonymous" | "read" | "readById" | "list" | "delete">;
