import { unreachableReason } from "../network-error.js";
import { SecretStr } from "../secret-str.js";
import { OPERATION_VERB, StorageError, StorageErrorCode, type StorageOperation } from "../storage-error.js";

/** How an {@link AzureBlobStorage} block authenticates, for messages that say what to check. */
export type AzureAuthKind = "connectionString" | "accountKey" | "sasToken" | "credential" | "anonymous";

/** Where an Azure error happened, for {@link toAzureStorageError}. */
export interface AzureErrorSite {
  key: string;
  /** The storage's `describe()` label. */
  storage: string;
  operation: StorageOperation;
  /** `az://container/prefix/key`. */
  location: string;
  container: string;
  /** The block's `bucketPath` (`container/prefix`). */
  bucketPath: string;
  /** The blob service URL, without any query string. */
  accountUrl: string;
  auth: AzureAuthKind;
  /** Secrets to scrub from any quoted server text. */
  secrets: readonly (SecretStr | undefined)[];
}

/** The SAS permission letter each operation needs. */
const SAS_PERMISSION: Record<StorageOperation, string> = {
  read: "r (read)",
  write: "w (write) and c (create)",
  delete: "d (delete)",
  exists: "r (read)",
  list: "l (list)",
};

const CHECK_CREDENTIALS: Record<AzureAuthKind, string> = {
  connectionString: "Check the AccountKey or SharedAccessSignature in the AzureBlobStorage block's connectionString (not shown here)",
  accountKey: "Check the AzureBlobStorage block's accountKey (not shown here) and accountName",
  sasToken: "Check the AzureBlobStorage block's sasToken (not shown here): it may have expired, or be for another account or container",
  credential: "Check the block's credential: its identity could not be authenticated for this account",
  anonymous:
    "No credentials are set (accountUrl alone means anonymous access): give connectionString, or accountUrl with accountKey, sasToken or credential",
};

interface RestErrorShape {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  details?: { errorCode?: unknown };
}

/** The Azure Storage error code (`BlobNotFound`, `ContainerNotFound`, ...) of an SDK error. */
export function azureErrorCode(err: unknown): string | undefined {
  const shape = (err ?? {}) as RestErrorShape;
  if (typeof shape.details?.errorCode === "string") return shape.details.errorCode;
  return typeof shape.code === "string" ? shape.code : undefined;
}

/** The HTTP status of an SDK error, when the service answered. */
export function azureHttpStatus(err: unknown): number | undefined {
  const status = ((err ?? {}) as RestErrorShape).statusCode;
  return typeof status === "number" ? status : undefined;
}

/** The service's message, first line only (the rest is a request id and a time). */
function serviceMessage(err: unknown): string {
  const message = (err ?? {}) as RestErrorShape;
  return typeof message.message === "string" ? (message.message.split("\n")[0] ?? "").trim() : "";
}

/**
 * Wraps an Azure SDK error into a {@link StorageError} whose message names the key, the
 * storage and what to do, and never holds a secret; the SDK error is the `cause`.
 *
 * @example
 * ```ts
 * try { await blob.download(); } catch (err) { throw toAzureStorageError(err, site); }
 * ```
 */
export function toAzureStorageError(err: unknown, site: AzureErrorSite): StorageError {
  if (err instanceof StorageError) return err;
  const code = azureErrorCode(err) ?? "Error";
  const status = azureHttpStatus(err);
  const { key, storage, container, accountUrl } = site;
  const k = JSON.stringify(key);
  const verb = OPERATION_VERB[site.operation];
  const said = serviceMessage(err);
  const details = { key, storage, operation: site.operation, location: site.location };
  const make = (storageCode: StorageErrorCode, message: string): StorageError =>
    new StorageError(storageCode, SecretStr.redact(message, site.secrets), details, { cause: err });

  const unreachable = unreachableReason(err);
  if (unreachable !== undefined && status === undefined) {
    return make(
      StorageErrorCode.Unreachable,
      `Cannot reach the Azure Blob endpoint ${accountUrl} to ${verb} key ${k} in ${storage} (${unreachable[0]}: ${unreachable[1]}). ` +
        `Check that the service is running and reachable from this machine, and the block's ` +
        `${site.auth === "connectionString" ? "connectionString (BlobEndpoint / AccountName)" : "accountUrl"}.`,
    );
  }
  // Azurite answers a bad signature with AuthorizationFailure; Azure with AuthenticationFailed.
  const authentication =
    code === "AuthenticationFailed" ||
    code === "InvalidAuthenticationInfo" ||
    code === "NoAuthenticationInformation" ||
    status === 401 ||
    (code === "AuthorizationFailure" && /authenticate/i.test(said));
  if (authentication) {
    return make(
      StorageErrorCode.AuthenticationFailed,
      `Cannot ${verb} key ${k} in ${storage}: the service did not accept the credentials (${code}). ${CHECK_CREDENTIALS[site.auth]}.`,
    );
  }
  switch (code) {
    case "BlobNotFound":
      return make(
        StorageErrorCode.NotFound,
        `No result is stored at key ${k} in ${storage} (no blob ${site.location}). ` +
          `The result may have been pruned or expired, or written to another storage: ` +
          `check the result storage of the run that wrote it.`,
      );
    case "ContainerNotFound":
      return make(
        StorageErrorCode.BucketNotFound,
        `Cannot ${verb} key ${k} in ${storage}: the container ${JSON.stringify(container)} does not exist in the storage account at ${accountUrl}. ` +
          `Create the container (for example \`az storage container create --name ${container}\`), ` +
          `or check the AzureBlobStorage block's bucketPath ${JSON.stringify(site.bucketPath)}.`,
      );
    case "ResourceNotFound":
    case "AccountNotFound":
      return make(
        StorageErrorCode.BucketNotFound,
        `Cannot ${verb} key ${k} in ${storage}: the storage account or container was not found at ${accountUrl} (${code}). ` +
          `Check the account name in the block's ${site.auth === "connectionString" ? "connectionString" : "accountUrl"} ` +
          `and that the container ${JSON.stringify(container)} exists.`,
      );
    case "AuthorizationPermissionMismatch":
    case "AuthorizationFailure":
    case "AuthorizationResourceTypeMismatch":
    case "AuthorizationServiceMismatch":
    case "AuthorizationProtocolMismatch":
    case "AuthorizationSourceIPMismatch":
    case "InsufficientAccountPermissions":
    case "PublicAccessNotPermitted":
      return make(
        StorageErrorCode.PermissionDenied,
        `Access denied: cannot ${verb} key ${k} in ${storage} (${site.location}): ${said || code} (${code}). ` +
          (site.auth === "sasToken" || site.auth === "connectionString"
            ? `A shared access signature needs the permission ${SAS_PERMISSION[site.operation]}; `
            : "") +
          `give the credentials write access to the container (for Microsoft Entra ID: the role "Storage Blob Data Contributor"), or use other credentials.`,
      );
    default:
      return make(
        StorageErrorCode.Io,
        `Could not ${verb} key ${k} in ${storage} (${site.location}): ${code}${status === undefined ? "" : ` (HTTP ${status})`}` +
          `${said === "" ? "" : `: ${said}`}. Check that ${accountUrl} is a working Azure Blob endpoint and that the container ${JSON.stringify(container)} is usable.`,
      );
  }
}
