import { ConfigurationError } from "../../errors/configuration-error.js";

/** The public parts of an Azure Storage connection string (never its key or signature). */
export interface ConnectionStringInfo {
  /** The account name, when the string names one. */
  accountName: string | undefined;
  /** The blob service URL the string points to. */
  blobEndpoint: string;
  /** How the string authenticates. */
  auth: "account key" | "shared access signature" | "development storage";
}

/** Azurite's well-known development account (`UseDevelopmentStorage=true`). */
const DEVELOPMENT_BLOB_ENDPOINT = "http://127.0.0.1:10000/devstoreaccount1";

/**
 * Reads the public parts of a connection string, to describe the storage and to check
 * the string where it is given. Error messages name the missing fields, never the value.
 *
 * @throws {ConfigurationError} when the string lacks what the blob service needs.
 *
 * @example
 * ```ts
 * parseConnectionString("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=...;EndpointSuffix=core.windows.net");
 * // { accountName: "acct", blobEndpoint: "https://acct.blob.core.windows.net", auth: "account key" }
 * ```
 */
export function parseConnectionString(value: string): ConnectionStringInfo {
  const fields = new Map<string, string>();
  for (const part of value.split(";")) {
    const eq = part.indexOf("=");
    if (part.trim() === "") continue;
    if (eq <= 0) {
      throw new ConfigurationError(
        `AzureBlobStorage option connectionString is not a connection string: it must be "Name=value" pairs separated by ';' ` +
          `(copy it from the storage account's "Access keys" page).`,
      );
    }
    fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  if (fields.get("usedevelopmentstorage")?.toLowerCase() === "true") {
    return { accountName: "devstoreaccount1", blobEndpoint: DEVELOPMENT_BLOB_ENDPOINT, auth: "development storage" };
  }
  const accountName = fields.get("accountname") || undefined;
  const explicit = fields.get("blobendpoint");
  const protocol = fields.get("defaultendpointsprotocol") ?? "https";
  const suffix = fields.get("endpointsuffix") ?? "core.windows.net";
  const blobEndpoint = explicit ? explicit.replace(/\/+$/, "") : accountName ? `${protocol}://${accountName}.blob.${suffix}` : undefined;
  const hasKey = Boolean(fields.get("accountkey"));
  const hasSas = Boolean(fields.get("sharedaccesssignature"));
  const missing: string[] = [];
  if (blobEndpoint === undefined) missing.push("AccountName or BlobEndpoint");
  if (!hasKey && !hasSas) missing.push("AccountKey or SharedAccessSignature");
  if (hasKey && accountName === undefined) missing.push("AccountName (needed with AccountKey)");
  if (missing.length > 0 || blobEndpoint === undefined) {
    throw new ConfigurationError(
      `AzureBlobStorage option connectionString lacks ${missing.join(", ")}. ` +
        `Copy the full connection string from the storage account's "Access keys" page, or use accountUrl with accountKey or sasToken.`,
    );
  }
  return { accountName, blobEndpoint, auth: hasKey ? "account key" : "shared access signature" };
}
