import type { TokenCredential } from "@azure/core-auth";
import type { SecretStr } from "../secret-str.js";

/**
 * Options of {@link AzureBlobStorage}. Give the container as `bucketPath`
 * (`"container/prefix"`) or `containerName`, and one way to reach the account:
 * `connectionString`, or `accountUrl` with `accountKey`, `sasToken`, `credential` or
 * nothing (anonymous access to a public container).
 */
export interface AzureBlobStorageOptions {
  /** `"container"` or `"container/prefix"` (an `az://` in front is accepted): the container, and the folder inside it that result keys go under. */
  bucketPath?: string;
  /** The container, when results go to its root (instead of `bucketPath`). */
  containerName?: string;
  /**
   * The storage account's connection string (kept as a {@link SecretStr}), e.g.
   * `"DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net"`.
   */
  connectionString?: string | SecretStr;
  /** The blob service URL, e.g. `"https://myaccount.blob.core.windows.net"` (instead of `connectionString`). A SAS query string on it is moved to `sasToken`. */
  accountUrl?: string;
  /** The account name for `accountKey`. @default read from `accountUrl` (`<name>.blob....` or its first path segment) */
  accountName?: string;
  /** The account's shared key, with `accountUrl` (kept as a {@link SecretStr}). */
  accountKey?: string | SecretStr;
  /** A shared access signature (`sv=...&sig=...`), with `accountUrl` (kept as a {@link SecretStr}). */
  sasToken?: string | SecretStr;
  /**
   * A token credential (e.g. `new DefaultAzureCredential()` from `@azure/identity`), with
   * `accountUrl`. It lives in this process only: `toConfig()` does not include it, so a
   * saved block loaded elsewhere needs it passed again.
   */
  credential?: TokenCredential;
  /**
   * Results larger than this many bytes are uploaded as blocks of this size, committed
   * together at the end (a failed upload leaves nothing readable).
   * @default 8 MiB
   */
  uploadBlockSize?: number;
}

/** The smallest accepted {@link AzureBlobStorageOptions.uploadBlockSize}. */
export const MIN_UPLOAD_BLOCK_SIZE = 1024 * 1024;
/** The default {@link AzureBlobStorageOptions.uploadBlockSize}. */
export const DEFAULT_UPLOAD_BLOCK_SIZE = 8 * 1024 * 1024;
