import { SecretStr } from "../secret-str.js";
import { OPERATION_VERB, StorageError, StorageErrorCode, type StorageOperation } from "../storage-error.js";
import { unreachableReason } from "../network-error.js";

/** Where an S3 error happened, for {@link toS3StorageError}. */
export interface S3ErrorSite {
  key: string;
  /** The storage's `describe()` label. */
  storage: string;
  operation: StorageOperation;
  /** `s3://bucket/prefix/key`. */
  location: string;
  bucket: string;
  /** The block's `bucketPath` option as given. */
  bucketPath: string;
  /** The endpoint, for messages: the `endpointUrl`, or "AWS S3 ...". */
  endpoint: string;
  /** Whether the keys come from the block's options (else: the SDK's default credential chain). */
  keysInOptions: boolean;
  /** Secrets to scrub from any quoted server text. */
  secrets: readonly (SecretStr | undefined)[];
}

/** The S3 permission each operation needs, for "access denied" messages. */
const PERMISSION: Record<StorageOperation, string> = {
  read: "s3:GetObject",
  write: "s3:PutObject",
  delete: "s3:DeleteObject",
  exists: "s3:GetObject (HeadObject)",
  list: "s3:ListBucket",
};

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The S3 error code (`NoSuchKey`, `AccessDenied`, ...) or SDK error name of `err`. */
export function s3ErrorName(err: unknown): string | undefined {
  const shape = (err ?? {}) as SdkErrorShape;
  if (typeof shape.Code === "string") return shape.Code;
  return typeof shape.name === "string" ? shape.name : undefined;
}

/** The HTTP status of an SDK error, when the server answered. */
export function s3HttpStatus(err: unknown): number | undefined {
  const status = ((err ?? {}) as SdkErrorShape).$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

/** Missing-object answers: `NoSuchKey` (GET), `NotFound` (HEAD has no body), 404. */
export function isS3NotFound(err: unknown): boolean {
  const name = s3ErrorName(err);
  return name === "NoSuchKey" || name === "NotFound" || (name !== "NoSuchBucket" && s3HttpStatus(err) === 404);
}

/**
 * Wraps an AWS SDK error into a {@link StorageError} whose message names the key, the
 * storage and what to do, and never holds a secret; the SDK error is the `cause`.
 *
 * @example
 * ```ts
 * try { await client.send(command); } catch (err) { throw toS3StorageError(err, site); }
 * ```
 */
export function toS3StorageError(err: unknown, site: S3ErrorSite): StorageError {
  if (err instanceof StorageError) return err;
  const name = s3ErrorName(err) ?? "Error";
  const status = s3HttpStatus(err);
  const { key, storage, bucket, endpoint } = site;
  const k = JSON.stringify(key);
  const verb = OPERATION_VERB[site.operation];
  const details = { key, storage, operation: site.operation, location: site.location };
  const make = (code: StorageErrorCode, message: string): StorageError =>
    new StorageError(code, SecretStr.redact(message, site.secrets), details, { cause: err });
  const keysHint = site.keysInOptions
    ? "Check the S3 block's awsAccessKeyId and awsSecretAccessKey"
    : "No keys are set on the S3 block, so the AWS SDK's default credential chain was used: " +
      "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws/credentials, or set awsAccessKeyId and awsSecretAccessKey on the block";

  const unreachable = unreachableReason(err);
  if (unreachable !== undefined && status === undefined) {
    return make(
      StorageErrorCode.Unreachable,
      `Cannot reach the S3 endpoint ${endpoint} to ${verb} key ${k} in ${storage} (${unreachable[0]}: ${unreachable[1]}). ` +
        `Check that the server is running and reachable from this machine, and the S3 block's endpointUrl.`,
    );
  }
  switch (name) {
    case "NoSuchKey":
    case "NotFound":
      return make(
        StorageErrorCode.NotFound,
        `No result is stored at key ${k} in ${storage} (no object ${site.location}). ` +
          `The result may have been pruned or expired, or written to another storage: ` +
          `check the result storage of the run that wrote it.`,
      );
    case "NoSuchBucket":
      return make(
        StorageErrorCode.BucketNotFound,
        `Cannot ${verb} key ${k} in ${storage}: the bucket ${JSON.stringify(bucket)} does not exist at ${endpoint}. ` +
          `Create the bucket (for example \`aws s3 mb s3://${bucket}\`), or check the S3 block's bucketPath ${JSON.stringify(site.bucketPath)}.`,
      );
    case "InvalidAccessKeyId":
      return make(
        StorageErrorCode.AuthenticationFailed,
        `Cannot ${verb} key ${k} in ${storage}: the server does not know the access key id (InvalidAccessKeyId). ` +
          `${keysHint}, and that they belong to ${endpoint}.`,
      );
    case "SignatureDoesNotMatch":
      return make(
        StorageErrorCode.AuthenticationFailed,
        `Cannot ${verb} key ${k} in ${storage}: the secret access key does not match the access key id (SignatureDoesNotMatch). ` +
          `${site.keysInOptions ? "Check the S3 block's awsSecretAccessKey (not shown here)" : keysHint}.`,
      );
    case "ExpiredToken":
    case "InvalidToken":
    case "TokenRefreshRequired":
    case "ExpiredTokenException":
      return make(
        StorageErrorCode.AuthenticationFailed,
        `Cannot ${verb} key ${k} in ${storage}: the session token was refused (${name}). ` +
          `Temporary credentials expire: refresh them and update the S3 block's awsSessionToken, or use long-lived keys.`,
      );
    case "CredentialsProviderError":
      return make(
        StorageErrorCode.AuthenticationFailed,
        `Cannot ${verb} key ${k} in ${storage}: no AWS credentials were found. ` +
          `Set awsAccessKeyId and awsSecretAccessKey on the S3 block, or configure the AWS default credential chain ` +
          `(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, an instance role).`,
      );
    case "AccessDenied":
    case "Forbidden":
    case "AllAccessDisabled":
      return make(
        StorageErrorCode.PermissionDenied,
        `Access denied: cannot ${verb} key ${k} in ${storage} (${site.location}). ` +
          (name === "Forbidden" ? "The server refused the credentials or their permissions (HTTP 403). " : "") +
          `Grant the credentials ${PERMISSION[site.operation]} on the bucket ${JSON.stringify(bucket)} ` +
          `(Cairn needs s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket), or use other credentials.`,
      );
    case "PermanentRedirect":
    case "AuthorizationHeaderMalformed":
    case "IllegalLocationConstraintException":
      return make(
        StorageErrorCode.Io,
        `Cannot ${verb} key ${k} in ${storage}: the bucket ${JSON.stringify(bucket)} is in another region (${name}). ` +
          `Set the S3 block's region to the bucket's region.`,
      );
    default: {
      const text = err instanceof Error ? err.message : String(err);
      if (/region is missing/i.test(text)) {
        return make(
          StorageErrorCode.Io,
          `Cannot ${verb} key ${k} in ${storage}: no AWS region is configured. Set the S3 block's region, or AWS_REGION.`,
        );
      }
      return make(
        StorageErrorCode.Io,
        `Could not ${verb} key ${k} in ${storage} (${site.location}): ${name}${status === undefined ? "" : ` (HTTP ${status})`}: ${text}. ` +
          `Check that ${endpoint} is a working S3 endpoint and that the bucket ${JSON.stringify(bucket)} is usable.`,
      );
    }
  }
}
