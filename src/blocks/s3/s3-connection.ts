import type * as ClientS3 from "@aws-sdk/client-s3";
import type { PutObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import { s3ClientConfig, type S3ConnectionSettings } from "./s3-client-config.js";

/** A client and the SDK module it came from (for the command classes). */
export interface S3Connection {
  client: S3Client;
  sdk: typeof ClientS3;
}

/**
 * Loads the AWS SDK and creates a client. The SDK is imported here, on first use, so
 * that importing Cairn (or the S3 class) does not load it.
 *
 * @example
 * ```ts
 * const { client, sdk } = await connectS3({ endpointUrl: "http://127.0.0.1:8333" });
 * await client.send(new sdk.HeadBucketCommand({ Bucket: "results" }));
 * ```
 */
export async function connectS3(settings: S3ConnectionSettings): Promise<S3Connection> {
  const sdk = await import("@aws-sdk/client-s3");
  return { client: new sdk.S3Client(s3ClientConfig(settings)), sdk };
}

/**
 * Uploads `params.Body` as a multipart upload of `partSize` parts, `queueSize` at a time.
 * The object appears when the upload completes; a failed upload is aborted (its parts
 * deleted), so nothing partial is ever readable.
 *
 * @example
 * ```ts
 * await uploadMultipart(client, { Bucket: "b", Key: "k", Body: bytes }, 8 * 1024 * 1024, 4);
 * ```
 */
export async function uploadMultipart(client: S3Client, params: PutObjectCommandInput, partSize: number, queueSize: number): Promise<void> {
  const { Upload } = await import("@aws-sdk/lib-storage");
  await new Upload({ client, params, partSize, queueSize, leavePartsOnError: false }).done();
}
