import { StreamedPathReader, type ByteStream } from "../streamed-path-reader.js";
import type { S3Connection } from "./s3-connection.js";
import { s3HttpStatus } from "./s3-error.js";

/** What an S3 reader reads. */
export interface S3ReadTarget {
  connection: S3Connection;
  bucket: string;
  objectKey: string;
}

/**
 * Opens one S3 object to read in parts: a streamed `GetObject` of the whole object serves
 * reads that go forward; a read elsewhere is a ranged GET conditional on the first GET's
 * ETag, so a read never mixes two versions of an object replaced meanwhile. Raw SDK errors.
 *
 * @example
 * ```ts
 * const reader = await openS3Reader({ connection, bucket, objectKey }, wrap);
 * ```
 */
export async function openS3Reader(target: S3ReadTarget, wrap: (err: unknown) => Error): Promise<StreamedPathReader> {
  const { client, sdk } = target.connection;
  const { bucket: Bucket, objectKey: Key } = target;
  const first = await client.send(new sdk.GetObjectCommand({ Bucket, Key }));
  const etag = first.ETag;
  const openAt = async (position: number): Promise<ByteStream | undefined> => {
    try {
      const answer = await client.send(new sdk.GetObjectCommand({ Bucket, Key, Range: `bytes=${position}-`, IfMatch: etag }));
      return answer.Body as ByteStream | undefined;
    } catch (err) {
      if (s3HttpStatus(err) === 412) return undefined; // replaced since the first GET
      throw err;
    }
  };
  return new StreamedPathReader(first.ContentLength ?? 0, first.Body as ByteStream | undefined, openAt, wrap);
}
