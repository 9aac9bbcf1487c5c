import { randomBytes } from "node:crypto";
import type { BlockBlobClient } from "@azure/storage-blob";
import { PartedPathWriter, type PartSink } from "../parted-path-writer.js";
import { StreamedPathReader, type ByteStream } from "../streamed-path-reader.js";
import { azureHttpStatus } from "./azure-error.js";

/**
 * Staged blocks as a {@link PartSink}: each part is a block with an id unique to this
 * write, committed in order by one Put Block List. Uncommitted blocks are never visible
 * (Azure drops them when the blob is next committed, or after a week); an object of one
 * part is one Put Blob.
 */
class StagedBlocksSink implements PartSink {
  readonly #blob: BlockBlobClient;
  readonly #prefix = randomBytes(12).toString("hex");

  constructor(blob: BlockBlobClient) {
    this.#blob = blob;
  }

  #blockId(index: number): string {
    return Buffer.from(`${this.#prefix}-${String(index).padStart(6, "0")}`).toString("base64");
  }

  async uploadPart(index: number, bytes: Uint8Array): Promise<void> {
    await this.#blob.stageBlock(this.#blockId(index), bytes, bytes.byteLength);
  }

  async putWhole(bytes: Uint8Array): Promise<void> {
    await this.#blob.upload(bytes, bytes.byteLength);
  }

  async complete(count: number): Promise<void> {
    await this.#blob.commitBlockList(Array.from({ length: count }, (_, i) => this.#blockId(i)));
  }

  async discard(): Promise<void> {
    // Nothing to delete: blocks never committed are not part of any blob.
  }
}

/**
 * A streamed write of one block blob: blocks of `blockSize`, `concurrency` staged at
 * once, committed by `commit()`; nothing is visible before.
 *
 * @example
 * ```ts
 * const writer = openAzureWriter(container.getBlockBlobClient(name), 8 << 20, 4, wrap);
 * ```
 */
export function openAzureWriter(blob: BlockBlobClient, blockSize: number, concurrency: number, wrap: (err: unknown) => Error): PartedPathWriter {
  return new PartedPathWriter(blockSize, concurrency, new StagedBlocksSink(blob), wrap);
}

/**
 * Opens one blob to read in parts: one streamed download of the whole blob serves reads
 * that go forward; a read elsewhere is a ranged download conditional on the first one's
 * ETag (a blob replaced meanwhile is read no further). Raw SDK errors.
 *
 * @example
 * ```ts
 * const reader = await openAzureReader(container.getBlockBlobClient(name), wrap);
 * ```
 */
export async function openAzureReader(blob: BlockBlobClient, wrap: (err: unknown) => Error): Promise<StreamedPathReader> {
  const first = await blob.download();
  const etag = first.etag;
  const openAt = async (position: number): Promise<ByteStream | undefined> => {
    try {
      const answer = await blob.download(position, undefined, { conditions: etag === undefined ? {} : { ifMatch: etag } });
      return answer.readableStreamBody;
    } catch (err) {
      if (azureHttpStatus(err) === 412) return undefined; // replaced since the first download
      throw err;
    }
  };
  return new StreamedPathReader(first.contentLength ?? 0, first.readableStreamBody, openAt, wrap);
}
