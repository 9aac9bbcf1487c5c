import type { SecretStr } from "../secret-str.js";

/** Options of {@link S3}. */
export interface S3Options {
  /**
   * `"bucket"` or `"bucket/prefix"` (an `s3://` in front is accepted): the bucket, and
   * the folder inside it that result keys are placed under.
   */
  bucketPath: string;
  /** The access key id. Without keys, the AWS SDK's default credential chain applies (environment, profile, SSO, instance role, ...). */
  awsAccessKeyId?: string;
  /** The secret access key (kept as a {@link SecretStr}); required with `awsAccessKeyId`. */
  awsSecretAccessKey?: string | SecretStr;
  /** A session token for temporary credentials (kept as a {@link SecretStr}). */
  awsSessionToken?: string | SecretStr;
  /**
   * The URL of an S3-compatible server (MinIO, SeaweedFS, Ceph, R2, ...), e.g.
   * `"http://127.0.0.1:8333"`. With it, path-style addressing is used and checksums are
   * sent only when the operation requires them (see `docs/storage.md`).
   * @default AWS S3
   */
  endpointUrl?: string;
  /**
   * The region. @default the SDK's default (`AWS_REGION`, the profile); `"us-east-1"` with an `endpointUrl`
   */
  region?: string;
  /**
   * Results larger than this many bytes are uploaded in parts of this size (multipart
   * upload; at least 5 MiB, S3's minimum part size). The object appears only when all
   * parts are in, so readers never see a partial result.
   * @default 8 MiB
   */
  uploadPartSize?: number;
}

/** The smallest part S3 accepts in a multipart upload (but the last). */
export const MIN_UPLOAD_PART_SIZE = 5 * 1024 * 1024;
/** The default {@link S3Options.uploadPartSize}. */
export const DEFAULT_UPLOAD_PART_SIZE = 8 * 1024 * 1024;
