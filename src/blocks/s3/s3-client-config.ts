import type { S3ClientConfig } from "@aws-sdk/client-s3";
import type { SecretStr } from "../secret-str.js";

/** What {@link s3ClientConfig} builds a client configuration from. */
export interface S3ConnectionSettings {
  awsAccessKeyId?: string | undefined;
  awsSecretAccessKey?: SecretStr | undefined;
  awsSessionToken?: SecretStr | undefined;
  endpointUrl?: string | undefined;
  region?: string | undefined;
}

/** Milliseconds to wait for a TCP connection before the attempt fails (then retried by the SDK). */
const CONNECTION_TIMEOUT_MS = 10_000;

/**
 * The `S3Client` configuration for a block's settings.
 *
 * For an S3-compatible server (any `endpointUrl`): path-style addressing (`host/bucket/key`:
 * such servers rarely have per-bucket DNS names), and checksums only when an operation
 * requires them. With the SDK's defaults (since 3.729) every upload of a stream is sent
 * with `aws-chunked` framing and a trailing CRC checksum; servers that do not understand
 * that framing store the framing bytes inside the object, a silent corruption. AWS S3
 * itself keeps the SDK's defaults.
 *
 * @example
 * ```ts
 * const client = new S3Client(s3ClientConfig({ endpointUrl: "http://127.0.0.1:9000" }));
 * ```
 */
export function s3ClientConfig(settings: S3ConnectionSettings): S3ClientConfig {
  const config: S3ClientConfig = {
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS },
  };
  if (settings.region !== undefined) config.region = settings.region;
  if (settings.awsAccessKeyId !== undefined && settings.awsSecretAccessKey !== undefined) {
    config.credentials = {
      accessKeyId: settings.awsAccessKeyId,
      secretAccessKey: settings.awsSecretAccessKey.getSecretValue(),
      ...(settings.awsSessionToken === undefined ? {} : { sessionToken: settings.awsSessionToken.getSecretValue() }),
    };
  }
  if (settings.endpointUrl !== undefined) {
    config.endpoint = settings.endpointUrl;
    config.forcePathStyle = true;
    config.requestChecksumCalculation = "WHEN_REQUIRED";
    config.responseChecksumValidation = "WHEN_REQUIRED";
    config.region ??= "us-east-1";
  }
  return config;
}
