import "../../blocks/builtin-block-types.js";
import { blockFromDocument } from "../../blocks/block-document.js";
import type { WritableFileSystem } from "../../blocks/writable-file-system.js";
import type { MetadataService } from "../../database/service/metadata-service.js";
import type { ResultReferenceView } from "../../database/views/result-reference-view.js";
import type { StorageBlockView } from "../../database/views/task-run-details.js";
import { isCairnError } from "../../errors/cairn-error.js";
import { ResultIntegrityError } from "../../results/blob/result-integrity-error.js";
import { readPersistedValue } from "../../results/read-persisted-value.js";
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

  async read(reference: ResultReferenceView | undefined): Promise<ResultPreview> {
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
      out.size = await sizeOf(storage, reference.storageKey);
      if (out.size !== null && out.size > this.#maxBytes) {
        out.preview = tooLarge(out.size, this.#maxBytes);
        return out;
      }
      const bytes = await storage.readPath(reference.storageKey);
      out.size = bytes.byteLength;
      if (bytes.byteLength > this.#maxBytes) {
        out.preview = tooLarge(bytes.byteLength, this.#maxBytes);
        return out;
      }
      out.blob = readBlobHead(bytes) ?? null;
      const value = await readPersistedValue(inMemory(bytes, storage), reference.storageKey);
      if (reference.integrity !== null && out.blob?.integrity !== reference.integrity) {
        out.integrity = "failed";
        out.preview = {
          kind: "error",
          code: "RESULT_REPLACED",
          message:
            `The blob at key ${JSON.stringify(reference.storageKey)} in ${storage.describe()} is not the one this run wrote: its integrity hash ` +
            `(${out.blob?.integrity ?? "none"}) differs from the reference's (${reference.integrity}). It was replaced after the run; its value is not shown.`,
        };
        return out;
      }
      out.integrity = "verified";
      out.preview = previewValue(value);
    } catch (err) {
      if (err instanceof ResultIntegrityError) out.integrity = "failed";
      out.preview = {
        kind: "error",
        code: isCairnError(err) ? err.code : "RESULT_UNREADABLE",
        message: errorText(err),
      };
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

/** The object's size without reading it, when the storage can tell (a local file's stat, an object listing). */
async function sizeOf(storage: WritableFileSystem, key: string): Promise<number | null> {
  if (storage.openReader !== undefined) {
    const reader = await storage.openReader(key);
    try {
      return reader.size;
    } finally {
      await reader.close();
    }
  }
  if (storage.listPaths !== undefined) {
    let seen = 0;
    for await (const info of storage.listPaths(key)) {
      if (info.path === key) return info.size;
      if (++seen >= 100) break;
    }
  }
  return null;
}

/** The bytes already read, as a storage the SDK reader can read them from (errors still name the real storage). */
function inMemory(bytes: Uint8Array, storage: WritableFileSystem): WritableFileSystem {
  return {
    blockTypeSlug: storage.blockTypeSlug,
    readPath: () => Promise.resolve(bytes),
    writePath: () => Promise.reject(new Error("The preview never writes to storage.")),
    describe: () => storage.describe(),
    toConfig: () => ({}),
  };
}
