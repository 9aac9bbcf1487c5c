import type { CompletedPart } from "@aws-sdk/client-s3";
import { PartedPathWriter, type PartSink } from "../parted-path-writer.js";
import type { S3Connection } from "./s3-connection.js";

/** Where a streamed S3 write goes. */
export interface S3WriteTarget {
  connection: S3Connection;
  bucket: string;
  objectKey: string;
  partSize: number;
  concurrency: number;
}

/**
 * A multipart upload as a {@link PartSink}: started on the first part, completed with
 * the parts' ETags in order, aborted (its parts deleted) on failure. An object of one part
 * is one `PutObject` instead.
 */
class S3MultipartSink implements PartSink {
  readonly #target: S3WriteTarget;
  readonly #etags: string[] = [];
  #uploadId: Promise<string> | undefined;

  constructor(target: S3WriteTarget) {
    this.#target = target;
  }

  async uploadPart(index: number, bytes: Uint8Array): Promise<void> {
    const { client, sdk } = this.#target.connection;
    const UploadId = await this.#start();
    const answer = await client.send(
      new sdk.UploadPartCommand({
        Bucket: this.#target.bucket,
        Key: this.#target.objectKey,
        UploadId,
        PartNumber: index + 1,
        Body: bytes,
        ContentLength: bytes.byteLength,
      }),
    );
    if (answer.ETag === undefined) throw new Error(`the server answered part ${index + 1} without an ETag`);
    this.#etags[index] = answer.ETag;
  }

  async putWhole(bytes: Uint8Array): Promise<void> {
    const { client, sdk } = this.#target.connection;
    await client.send(new sdk.PutObjectCommand({ Bucket: this.#target.bucket, Key: this.#target.objectKey, Body: bytes, ContentLength: bytes.byteLength }));
  }

  async complete(count: number): Promise<void> {
    const { client, sdk } = this.#target.connection;
    const Parts: CompletedPart[] = [];
    for (let i = 0; i < count; i++) {
      const ETag = this.#etags[i];
      if (ETag === undefined) throw new Error(`part ${i + 1} of ${count} was never uploaded`);
      Parts.push({ ETag, PartNumber: i + 1 });
    }
    await client.send(
      new sdk.CompleteMultipartUploadCommand({
        Bucket: this.#target.bucket,
        Key: this.#target.objectKey,
        UploadId: await this.#start(),
        MultipartUpload: { Parts },
      }),
    );
    this.#uploadId = undefined;
  }

  async discard(): Promise<void> {
    const started = this.#uploadId;
    this.#uploadId = undefined;
    const UploadId = await started?.catch(() => undefined);
    if (UploadId === undefined) return;
    const { client, sdk } = this.#target.connection;
    await client
      .send(new sdk.AbortMultipartUploadCommand({ Bucket: this.#target.bucket, Key: this.#target.objectKey, UploadId }))
      .catch(() => undefined);
  }

  #start(): Promise<string> {
    this.#uploadId ??= (async () => {
      const { client, sdk } = this.#target.connection;
      const answer = await client.send(new sdk.CreateMultipartUploadCommand({ Bucket: this.#target.bucket, Key: this.#target.objectKey }));
      if (answer.UploadId === undefined) throw new Error("the server started a multipart upload without an UploadId");
      return answer.UploadId;
    })();
    return this.#uploadId;
  }
}

/**
 * A streamed S3 write: parts of `partSize` (≥ 5 MiB, S3's minimum but for the last),
 * `concurrency` in flight; nothing is visible under the key until commit completes the
 * multipart upload, and a failed or aborted write aborts it.
 *
 * @example
 * ```ts
 * const writer = openS3Writer({ connection, bucket, objectKey, partSize: 8 << 20, concurrency: 4 }, wrap);
 * ```
 */
export function openS3Writer(target: S3WriteTarget, wrap: (err: unknown) => Error): PartedPathWriter {
  return new PartedPathWriter(target.partSize, target.concurrency, new S3MultipartSink(target), wrap);
}
