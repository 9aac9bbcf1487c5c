import type { TokenCredential } from "@azure/core-auth";
import type { BlobServiceClient, ContainerClient, StoragePipelineOptions } from "@azure/storage-blob";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { parseEndpointUrl, parseSecret } from "../s3/parse-options.js";
import type { SecretStr } from "../secret-str.js";
import type { AzureBlobStorageOptions } from "./azure-blob-storage-options.js";
import type { AzureAuthKind } from "./azure-error.js";
import { parseConnectionString } from "./connection-string.js";

/** How an {@link AzureBlobStorage} block reaches its account, checked. */
export interface AzureConnection {
  connectionString: SecretStr | undefined;
  /** The blob service URL, without query string. */
  accountUrl: string;
  accountName: string | undefined;
  accountKey: SecretStr | undefined;
  sasToken: SecretStr | undefined;
  credential: TokenCredential | undefined;
  /** True when given as `accountUrl` (and its companions), false for a connection string. */
  fromUrl: boolean;
  auth: AzureAuthKind;
}

const PIPELINE_OPTIONS: StoragePipelineOptions = {
  retryOptions: { maxTries: 4, retryDelayInMs: 200, maxRetryDelayInMs: 4_000 },
};

/** The account name in `https://<account>.blob.<suffix>` or, path-style, `http://host:port/<account>`. */
function accountNameOf(url: URL): string | undefined {
  const host = /^([a-z0-9]+)\.blob\./.exec(url.hostname);
  if (host !== null) return host[1];
  const first = url.pathname.split("/").find((s) => s !== "");
  return first !== undefined && /^[a-z0-9]+$/.test(first) ? first : undefined;
}

function fromConnectionString(options: AzureBlobStorageOptions, connectionString: SecretStr): AzureConnection {
  const others = (["accountUrl", "accountName", "accountKey", "sasToken", "credential"] as const).filter((o) => options[o] !== undefined);
  if (others.length > 0) {
    throw new ConfigurationError(
      `AzureBlobStorage takes connectionString or accountUrl (with accountKey, sasToken or credential), not both: remove ${others.join(", ")}.`,
    );
  }
  const info = parseConnectionString(connectionString.getSecretValue());
  return {
    connectionString,
    accountUrl: info.blobEndpoint,
    accountName: info.accountName,
    accountKey: undefined,
    sasToken: undefined,
    credential: undefined,
    fromUrl: false,
    auth: "connectionString",
  };
}

function fromAccountUrl(options: AzureBlobStorageOptions): AzureConnection {
  if (options.accountUrl === undefined) {
    throw new ConfigurationError(
      `AzureBlobStorage needs connectionString, or accountUrl (e.g. "https://myaccount.blob.core.windows.net") ` +
        `with accountKey, sasToken or credential.`,
    );
  }
  const accountKey = parseSecret(options.accountKey, "AzureBlobStorage", "accountKey");
  let sasToken = parseSecret(options.sasToken, "AzureBlobStorage", "sasToken");
  const url = new URL(parseEndpointUrl(options.accountUrl, "AzureBlobStorage", "accountUrl"));
  if (url.search !== "") {
    if (sasToken !== undefined) {
      throw new ConfigurationError(`AzureBlobStorage option accountUrl has a query string and sasToken is given too: give the SAS once.`);
    }
    sasToken = parseSecret(url.search.slice(1), "AzureBlobStorage", "accountUrl's query string");
    url.search = "";
  }
  const credential = options.credential;
  const given = [accountKey && "accountKey", sasToken && "sasToken", credential && "credential"].filter(Boolean);
  if (given.length > 1) {
    throw new ConfigurationError(`AzureBlobStorage takes one of accountKey, sasToken and credential, got ${given.join(" and ")}.`);
  }
  if (options.accountName !== undefined && (typeof options.accountName !== "string" || !/^[a-z0-9]{1,63}$/.test(options.accountName))) {
    throw new ConfigurationError(
      `AzureBlobStorage option accountName must be lowercase letters and digits, got ${JSON.stringify(options.accountName)}.`,
    );
  }
  const accountName = options.accountName ?? accountNameOf(url);
  if (accountKey !== undefined && accountName === undefined) {
    throw new ConfigurationError(
      `AzureBlobStorage option accountKey needs the account name: give accountName, or an accountUrl such as "https://<account>.blob.core.windows.net".`,
    );
  }
  const auth: AzureAuthKind =
    accountKey !== undefined ? "accountKey" : sasToken !== undefined ? "sasToken" : credential !== undefined ? "credential" : "anonymous";
  return {
    connectionString: undefined,
    accountUrl: url.href.replace(/\/+$/, ""),
    accountName,
    accountKey,
    sasToken,
    credential,
    fromUrl: true,
    auth,
  };
}

/**
 * Checks how the block reaches its account: `connectionString`, or `accountUrl` with at
 * most one of `accountKey`, `sasToken` and `credential` (a SAS query string on the URL
 * becomes `sasToken`). Errors never quote a secret.
 *
 * @throws {ConfigurationError} for a missing, conflicting or malformed setting.
 *
 * @example
 * ```ts
 * resolveAzureConnection({ accountUrl: "https://acct.blob.core.windows.net", accountKey: key }).auth; // "accountKey"
 * ```
 */
export function resolveAzureConnection(options: AzureBlobStorageOptions): AzureConnection {
  const connectionString = parseSecret(options.connectionString, "AzureBlobStorage", "connectionString");
  return connectionString === undefined ? fromAccountUrl(options) : fromConnectionString(options, connectionString);
}

/**
 * A client for one container of the connection's account. The Azure SDK is imported
 * here, on first use, so that importing Cairn does not load it.
 *
 * @example
 * ```ts
 * const container = await containerClient(resolveAzureConnection(options), "results");
 * ```
 */
export async function containerClient(connection: AzureConnection, containerName: string): Promise<ContainerClient> {
  const { BlobServiceClient, StorageSharedKeyCredential } = await import("@azure/storage-blob");
  let service: BlobServiceClient;
  if (connection.connectionString !== undefined) {
    service = BlobServiceClient.fromConnectionString(connection.connectionString.getSecretValue(), PIPELINE_OPTIONS);
  } else if (connection.accountKey !== undefined) {
    const credential = new StorageSharedKeyCredential(connection.accountName ?? "", connection.accountKey.getSecretValue());
    service = new BlobServiceClient(connection.accountUrl, credential, PIPELINE_OPTIONS);
  } else if (connection.sasToken !== undefined) {
    const sas = connection.sasToken.getSecretValue().replace(/^\?/, "");
    service = new BlobServiceClient(`${connection.accountUrl}?${sas}`, undefined, PIPELINE_OPTIONS);
  } else {
    service = new BlobServiceClient(connection.accountUrl, connection.credential, PIPELINE_OPTIONS);
  }
  return service.getContainerClient(containerName);
}
