import "../../blocks/builtin-block-types.js";
import { blockFromDocument } from "../../blocks/block-document.js";
import type { WritableFileSystem } from "../../blocks/writable-file-system.js";
import type { MetadataService } from "../../database/service/metadata-service.js";
import type { ResultReferenceView } from "../../database/views/result-reference-view.js";
import type { StorageBlockView } from "../../database/views/task-run-details.js";
import { isCairnError } from "../../errors/cairn-error.js";
import { ResultIntegrityError } from "../../results/blob/result-integrity-error.js";
import { readResultReference } from "../../results/read-result-reference.js";
import { ResultReplacedError } from "../../results/result-replaced-error.js";
import { ResultTooLargeError } from "../../results/result-too-large-error.js";
import { readBlobHead, type BlobHead } from "./blob-head.js";
import { previewValue, type ValuePreview } from "./preview-value.js";

/** How a result's blob fared against its integrity checks. */
export type IntegrityStatus = "verified" | "failed" | "unchecked";

/** What the preview shows instead of a value, or besides the value kinds. */
export type ResultPreviewBody =
  | ValuePreview
  | { kind: "literal"; value: null | boolean | "undefined" }
  | { kind: "none"; message: string }
  | { kind: "too-large"; size: number; maxBytes: number; message: string }
  | { kind: "error"; code: string; message: string };

/** A run's result as the preview route answers it. */
export interface ResultPreview {
  /** The reference the run recorded; null when it has no result. */
  reference: ResultReferenceView | null;
  /** The saved block the reference names (fields never included). */
  storageBlock: StorageBlockView | null;
  /** The storage's label, e.g. `local-file-system at /srv/results`, when the block could be built. */
  storage: string | null;
  /** The blob's size in bytes, when known. */
  size: number | null;
  /** The blob's head fields, when it was read. */
  blob: BlobHead | null;
  integrity: IntegrityStatus;
  preview: ResultPreviewBody;
}

/**
 * Reads a run's result for the UI, through the SDK's own reader (its integrity checks
 * and deserializers) and from the storage the reference names, as the server can reach
 * it: the saved block (secrets used server-side only), built with its registered class.
 * Never returns a value whose blob failed a check; never loads a blob above `maxBytes`.
 *
 * @example
 * ```ts
 * const preview = await new ResultPreviewReader(service, { maxBytes: 10 << 20 }).read(reference);
 * ```
 */
export class ResultPreviewReader {
  readonly #service: MetadataService;
  readonly #maxBytes: number;

  constructor(service: MetadataService, options: { maxBytes: number }) {
    this.#service = service;
    this.#maxBytes = options.maxBytes;
  }

  /**
   * Previews the result `reference` names; `writtenBy` (e.g. `task run 'extract-0' (0190...)`)
   * is named when the blob was replaced since that run wrote it.
   */
  async read(reference: ResultReferenceView | undefined, writtenBy?: string): Promise<ResultPreview> {
    const out: ResultPreview = { reference: reference ?? null, storageBlock: null, storage: null, size: null, blob: null, integrity: "unchecked", preview: { kind: "none", message: "" } };
    if (reference === undefined) {
      out.preview = { kind: "none", message: "This run has no result: its state holds no data (it has not finished, or it failed)." };
      return out;
    }
    if (reference.type === "literal") {
      out.preview = { kind: "literal", value: reference.value };
      return out;
    }
    if (reference.type === "unpersisted") {
      out.preview = {
        kind: "none",
        message: reference.pruned
          ? "The result was deleted from its storage by `cairn results prune`."
          : "The result was not persisted, so only the process that ran it had the value. Persist it with persistResult: true (see README, 'Results: when they persist').",
      };
      return out;
    }
    if (reference.storageBlockId === null) {
      out.preview = {
        kind: "error",
        code: "RESULT_STORAGE_UNKNOWN",
        message: `The reference to key ${JSON.stringify(reference.storageKey)} names no saved storage block, so the server cannot tell where it is stored. Read it with \`cairn result read KEY --storage SLUG\`.`,
      };
      return out;
    }
    const doc = await this.#service.blocks.readById(reference.storageBlockId, { includeSecrets: true });
    if (doc === undefined) {
      out.preview = {
        kind: "error",
        code: "BLOCK_NOT_FOUND",
        message: `The storage block ${reference.storageBlockId} of this result is no longer saved in this server's metadata store, so the result cannot be read.`,
      };
      return out;
    }
    out.storageBlock = { id: doc.id, blockTypeSlug: doc.blockTypeSlug, name: doc.name, isAnonymous: doc.isAnonymous };
    let storage: WritableFileSystem;
    try {
      storage = blockFromDocument(doc) as WritableFileSystem;
      if (typeof storage.readPath !== "function") throw new Error(`the block ${doc.blockTypeSlug}/${doc.name} is not a storage block`);
    } catch (err) {
      out.preview = { kind: "error", code: isCairnError(err) ? err.code : "BLOCK_INVALID_DOCUMENT", message: errorText(err) };
      return out;
    }
    out.storage = storage.describe();
    try {
      const { size, head } = await peek(storage, reference.storageKey);
      out.size = size;
      out.blob = head === undefined ? null : (readBlobHead(head) ?? null);
      if (size !== null && size > this.#maxBytes) {
        out.preview = tooLarge(size, this.#maxBytes);
        return out;
      }
      // The SDK's read through a reference: the blob's own hash, the hash the reference recorded, the size cap.
      const value = await readResultReference(reference, { storage, maxBytes: this.#maxBytes, writtenBy: writtenBy ?? undefined });
      out.integrity = "verified";
      out.preview = previewValue(value);
    } catch (err) {
      if (err instanceof ResultTooLargeError) {
        out.size = err.size;
        out.preview = tooLarge(err.size, this.#maxBytes);
        return out;
      }
      if (err instanceof ResultIntegrityError || err instanceof ResultReplacedError) out.integrity = "failed";
      out.preview = { kind: "error", code: isCairnError(err) ? err.code : "RESULT_UNREADABLE", message: errorText(err) };
    }
    return out;
  }
}

function tooLarge(size: number, maxBytes: number): ResultPreviewBody {
  return {
    kind: "too-large",
    size,
    maxBytes,
    message:
      `The result blob is ${size} bytes, more than this server previews (CAIRN_SERVER_RESULT_PREVIEW_MAX_BYTES=${maxBytes}). ` +
      "Read it with `cairn result read KEY`, or raise the setting on the server.",
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The most bytes read to show a blob's head fields. */
const HEAD_BYTES = 64 * 1024;

/**
 * The object's size and first bytes (for its head fields), without reading it whole when
 * the storage can tell: a local file's stat and first block, an object's ranged read.
 */
async function peek(storage: WritableFileSystem, key: string): Promise<{ size: number | null; head: Uint8Array | undefined }> {
  if (storage.openReader !== undefined) {
    const reader = await storage.openReader(key);
    try {
      const head = new Uint8Array(Math.min(reader.size, HEAD_BYTES));
      let got = 0;
      while (got < head.length) {
        const n = await reader.read(head, got, head.length - got, got);
        if (n === 0) break;
        got += n;
      }
      return { size: reader.size, head: head.subarray(0, got) };
    } finally {
      await reader.close();
    }
  }
  if (storage.readHead !== undefined) return { size: null, head: await storage.readHead(key, HEAD_BYTES) };
  return { size: null, head: undefined };
}
