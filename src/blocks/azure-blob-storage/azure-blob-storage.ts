import type { TokenCredential } from "@azure/core-auth";
import type { ContainerClient } from "@azure/storage-blob";
import { setTimeout as sleep } from "node:timers/promises";
import { inspect } from "node:util";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { Block } from "../block.js";
import { parseBucketPath, parsePartSize, type BucketNameRule } from "../s3/parse-options.js";
import { SECRET_MASK, type SecretStr } from "../secret-str.js";
import type { StorageOperation } from "../storage-error.js";
import { parseStorageKey } from "../storage-key.js";
import type { PathReader, PathWriter, StoredPathInfo, WritableFileSystem } from "../writable-file-system.js";
import {
  type AzureBlobStorageOptions,
  DEFAULT_UPLOAD_BLOCK_SIZE,
  MIN_UPLOAD_BLOCK_SIZE,
} from "./azure-blob-storage-options.js";
import { type AzureConnection, containerClient, resolveAzureConnection } from "./azure-connection.js";
import { azureErrorCode, azureHttpStatus, toAzureStorageError } from "./azure-error.js";
import { openAzureReader, openAzureWriter } from "./azure-path-io.js";
import { readAll } from "./read-all.js";

const CONFIG_FIELDS = ["bucketPath", "connectionString", "accountUrl", "accountName", "accountKey", "sasToken", "uploadBlockSize"];

/** Azure's container naming rules (and the special `$root` and `$web` containers). */
const CONTAINER_NAME: BucketNameRule = {
  pattern: /^(?:\$root|\$web|[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62})$/,
  description: "3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
  scheme: "az://",
  noun: "container",
};

/** Parallel block uploads of one write. */
const UPLOAD_CONCURRENCY = 4;
/** Whole-upload attempts when a concurrent writer of the same blob discarded our uncommitted blocks. */
const BLOCK_LIST_ATTEMPTS = 8;


/**
 * A storage block for a container (and a prefix inside it) of Azure Blob Storage, or of
 * any service that speaks its protocol (Azurite).
 *
 * A key `k` is the block blob `prefix/k`. Each write is one Put Blob, or for results
 * larger than {@link AzureBlobStorageOptions.uploadBlockSize} blocks committed at once by
 * Put Block List; either way the blob appears whole or not at all. Secrets
 * (`connectionString`, `accountKey`, `sasToken`) are kept as {@link SecretStr} and never
 * appear in messages, {@link AzureBlobStorage.describe}, `toString()`, JSON or `util.inspect` output.
 *
 * @example
 * ```ts
 * const storage = new AzureBlobStorage({
 *   bucketPath: "results/dev",
 *   connectionString: process.env.AZURE_STORAGE_CONNECTION_STRING,
 * });
 * await storage.writePath("reports/2024.json", new TextEncoder().encode("{}"));
 * const bytes = await storage.readPath("reports/2024.json");
 * ```
 */
export class AzureBlobStorage extends Block implements WritableFileSystem {
  /** The block type slug under which Azure Blob Storage blocks are saved. */
  static readonly blockTypeSlug = "azure-blob-storage";
  /** The fields holding secrets: masked by `toConfig()` unless asked for. */
  static readonly secretFields: readonly string[] = ["connectionString", "accountKey", "sasToken"];
  /** {@inheritDoc WritableFileSystem.blockTypeSlug} */
  readonly blockTypeSlug: string = AzureBlobStorage.blockTypeSlug;

  /** `container/prefix`, normalized (no `az://`, no trailing `/`). */
  readonly bucketPath: string;
  /** The container name. */
  readonly containerName: string;
  /** The blob-name prefix inside the container, without leading or trailing `/` (`""` for none). */
  readonly prefix: string;
  /** The connection string, when the block connects with one. */
  readonly connectionString: SecretStr | undefined;
  /** The blob service URL (from `accountUrl`, or read from the connection string), without query string. */
  readonly accountUrl: string;
  /** The account name, when known. */
  readonly accountName: string | undefined;
  /** The account's shared key. */
  readonly accountKey: SecretStr | undefined;
  /** The shared access signature. */
  readonly sasToken: SecretStr | undefined;
  /** See {@link AzureBlobStorageOptions.uploadBlockSize}. */
  readonly uploadBlockSize: number;

  readonly #connection: AzureConnection;
  #container: Promise<ContainerClient> | undefined;

  constructor(options: AzureBlobStorageOptions) {
    super();
    if (options === null || typeof options !== "object") {
      throw new ConfigurationError(
        `AzureBlobStorage needs options such as { bucketPath: "container/prefix", connectionString }, got ${String(options)}.`,
      );
    }
    if (options.bucketPath !== undefined && options.containerName !== undefined) {
      throw new ConfigurationError(
        `AzureBlobStorage takes bucketPath ("container/prefix") or containerName, not both.`,
      );
    }
    const { bucket, prefix } =
      options.containerName !== undefined
        ? parseBucketPath(options.containerName, "AzureBlobStorage", "containerName", CONTAINER_NAME)
        : parseBucketPath(options.bucketPath, "AzureBlobStorage", "bucketPath", CONTAINER_NAME);
    if (options.containerName !== undefined && prefix !== "") {
      throw new ConfigurationError(
        `AzureBlobStorage option containerName ${JSON.stringify(options.containerName)} must be a container name only; ` +
          `use bucketPath "container/prefix" to put results under a prefix.`,
      );
    }
    this.containerName = bucket;
    this.prefix = prefix;
    this.bucketPath = prefix === "" ? bucket : `${bucket}/${prefix}`;
    this.uploadBlockSize = parsePartSize(
      options.uploadBlockSize, "AzureBlobStorage", "uploadBlockSize", MIN_UPLOAD_BLOCK_SIZE, DEFAULT_UPLOAD_BLOCK_SIZE,
    );

    const connection = resolveAzureConnection(options);
    this.connectionString = connection.connectionString;
    this.accountUrl = connection.accountUrl;
    this.accountName = connection.accountName;
    this.accountKey = connection.accountKey;
    this.sasToken = connection.sasToken;
    this.#connection = connection;
  }

  /**
   * Rebuilds a block from the fields of {@link AzureBlobStorage.toConfig} (with secrets
   * included). A `credential` is not part of the config: pass it in `extra`.
   *
   * @example
   * ```ts
   * const storage = AzureBlobStorage.fromConfig(saved.toConfig({ includeSecrets: true }));
   * ```
   */
  static fromConfig(config: Record<string, unknown>, extra: { credential?: TokenCredential } = {}): AzureBlobStorage {
    if (config === null || typeof config !== "object") {
      throw new ConfigurationError(`Invalid azure-blob-storage block configuration: expected an object, got ${String(config)}.`);
    }
    const unknown = Object.keys(config).filter((k) => !CONFIG_FIELDS.includes(k));
    if (unknown.length > 0) {
      throw new ConfigurationError(
        `Invalid azure-blob-storage block configuration: unknown field(s) ${unknown.join(", ")} (known: ${CONFIG_FIELDS.join(", ")}).`,
      );
    }
    const value = <T>(field: string): T | undefined => (config[field] === null ? undefined : (config[field] as T));
    return new AzureBlobStorage({
      bucketPath: value<string>("bucketPath"),
      connectionString: value<string>("connectionString"),
      accountUrl: value<string>("accountUrl"),
      accountName: value<string>("accountName"),
      accountKey: value<string>("accountKey"),
      sasToken: value<string>("sasToken"),
      uploadBlockSize: value<number>("uploadBlockSize"),
      ...(extra.credential === undefined ? {} : { credential: extra.credential }),
    });
  }

  /** `az://container/prefix (account URL)`. */
  describe(): string {
    return `az://${this.bucketPath} (account ${this.accountUrl})`;
  }

  /**
   * The block's fields: `bucketPath`, `uploadBlockSize`, and `connectionString` or
   * `accountUrl` with `accountName`/`accountKey`/`sasToken`; secrets as `"********"`
   * unless `includeSecrets` is true. A `credential` object is never included.
   *
   * @example
   * ```ts
   * storage.toConfig();                         // { bucketPath: "c/p", connectionString: "********", ... }
   * storage.toConfig({ includeSecrets: true }); // the real secrets, for the encrypted block store
   * ```
   */
  toConfig({ includeSecrets = false }: { includeSecrets?: boolean } = {}): Record<string, unknown> {
    const secret = (value: SecretStr | undefined): string | undefined =>
      value === undefined ? undefined : includeSecrets ? value.getSecretValue() : SECRET_MASK;
    const config: Record<string, unknown> = {
      bucketPath: this.bucketPath,
      connectionString: secret(this.connectionString),
      accountUrl: this.#connection.fromUrl ? this.accountUrl : undefined,
      accountName: this.#connection.fromUrl ? this.accountName : undefined,
      accountKey: secret(this.accountKey),
      sasToken: secret(this.sasToken),
      uploadBlockSize: this.uploadBlockSize,
    };
    for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
    return config;
  }

  /** The configuration with secrets masked (what `JSON.stringify(block)` writes). */
  override toJSON(): Record<string, unknown> {
    return this.toConfig();
  }

  /** `AzureBlobStorage(az://container/prefix (account ...))`. */
  override toString(): string {
    return `AzureBlobStorage(${this.describe()})`;
  }

  /** Shows the block with its secrets masked. */
  override [inspect.custom](): string {
    return `AzureBlobStorage ${inspect(this.toConfig())}`;
  }

  /**
   * The blob name (`prefix/key`) of a storage key; the key is validated, nothing is sent.
   *
   * @example
   * ```ts
   * storage.blobName("a/1.json"); // "results/a/1.json" for bucketPath "container/results"
   * ```
   */
  blobName(key: string): string {
    return this.#blobName(key, "read");
  }

  /** {@inheritDoc WritableFileSystem.readPath} */
  async readPath(path: string): Promise<Uint8Array> {
    const name = this.#blobName(path, "read");
    try {
      // One GET: a consistent snapshot even while the blob is being replaced (ranged
      // parallel downloads could mix two versions).
      const response = await (await this.#client()).getBlobClient(name).download();
      return response.readableStreamBody === undefined ? new Uint8Array(0) : await readAll(response.readableStreamBody);
    } catch (err) {
      throw this.#wrap(err, path, name, "read");
    }
  }

  /** {@inheritDoc WritableFileSystem.writePath} */
  async writePath(path: string, bytes: Uint8Array): Promise<void> {
    const name = this.#blobName(path, "write");
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`writePath(${JSON.stringify(path)}) needs a Uint8Array, got ${typeof bytes}.`);
    }
    const options = { blockSize: this.uploadBlockSize, maxSingleShotSize: this.uploadBlockSize, concurrency: UPLOAD_CONCURRENCY };
    for (let attempt = 1; ; attempt++) {
      try {
        await (await this.#client()).getBlockBlobClient(name).uploadData(bytes, options);
        return;
      } catch (err) {
        // Committing a block list discards other writers' uncommitted blocks of the same
        // blob: when another writer committed first, upload ours again, whole, after a
        // random pause that lets concurrent writers finish one at a time.
        if (azureErrorCode(err) === "InvalidBlockList" && attempt < BLOCK_LIST_ATTEMPTS) {
          await sleep(Math.round((50 + Math.random() * 250) * attempt));
          continue;
        }
        throw this.#wrap(err, path, name, "write");
      }
    }
  }

  /**
   * Opens the blob at `path` to read it in parts: one streamed download for reads that go
   * forward, a ranged download (conditional on the blob's ETag) for a read elsewhere.
   * {@inheritDoc WritableFileSystem.openReader}
   */
  async openReader(path: string): Promise<PathReader> {
    const name = this.#blobName(path, "read");
    const wrap = (err: unknown): Error => this.#wrap(err, path, name, "read");
    try {
      return await openAzureReader((await this.#client()).getBlockBlobClient(name), wrap);
    } catch (err) {
      throw wrap(err);
    }
  }

  /**
   * Starts a streamed write of `path`: blocks of {@link AzureBlobStorage.uploadBlockSize}
   * staged 4 at a time (blocks written whole straight from the caller's bytes), committed
   * at once by `commit()` (Put Block List). Nothing is visible under the key before; an
   * aborted or failed write leaves only uncommitted blocks, which are never readable.
   * {@inheritDoc WritableFileSystem.openWriter}
   */
  async openWriter(path: string): Promise<PathWriter> {
    const name = this.#blobName(path, "write");
    const wrap = (err: unknown): Error => this.#wrap(err, path, name, "write");
    try {
      return openAzureWriter((await this.#client()).getBlockBlobClient(name), this.uploadBlockSize, UPLOAD_CONCURRENCY, wrap);
    } catch (err) {
      throw wrap(err);
    }
  }

  /** {@inheritDoc WritableFileSystem.deletePath} */
  async deletePath(path: string): Promise<void> {
    const name = this.#blobName(path, "delete");
    try {
      await (await this.#client()).getBlobClient(name).deleteIfExists();
    } catch (err) {
      throw this.#wrap(err, path, name, "delete");
    }
  }

  /** {@inheritDoc WritableFileSystem.exists} */
  async exists(path: string): Promise<boolean> {
    const name = this.#blobName(path, "exists");
    const blob = (await this.#client()).getBlobClient(name);
    try {
      await blob.getProperties();
      return true;
    } catch (err) {
      const code = azureErrorCode(err);
      if (code === "BlobNotFound") return false;
      if (azureHttpStatus(err) !== 403 && code !== "ResourceNotFound") throw this.#wrap(err, path, name, "exists");
    }
    // A HEAD answer has no message, and Azure and Azurite use one 403 code for bad keys
    // and missing permissions alike: a GET tells which (sent only for these answers).
    try {
      const response = await blob.download();
      response.readableStreamBody?.resume();
      return true;
    } catch (err) {
      if (azureErrorCode(err) === "BlobNotFound") return false;
      throw this.#wrap(err, path, name, "exists");
    }
  }

  /** {@inheritDoc WritableFileSystem.readHead} One ranged download. */
  async readHead(path: string, maxBytes: number): Promise<Uint8Array> {
    const name = this.#blobName(path, "read");
    const length = Math.max(0, Math.trunc(maxBytes));
    if (length === 0) return new Uint8Array(0);
    try {
      const response = await (await this.#client()).getBlobClient(name).download(0, length);
      if (response.readableStreamBody === undefined) return new Uint8Array(0);
      const bytes = await readAll(response.readableStreamBody);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, length));
    } catch (err) {
      // An empty blob has no byte 0: "InvalidRange" (416).
      if (azureHttpStatus(err) === 416 || azureErrorCode(err) === "InvalidRange") return new Uint8Array(0);
      throw this.#wrap(err, path, name, "read");
    }
  }

  /**
   * {@inheritDoc WritableFileSystem.locationUri}
   * `azure://<blob service URL>/<container>/<prefix>/`. (Uncommitted blocks of writes that
   * never finished are not listed: Azure discards them itself after a week.)
   */
  locationUri(): string {
    return `azure://${this.accountUrl.replace(/\/+$/, "")}/${this.containerName}/${this.prefix === "" ? "" : `${this.prefix}/`}`;
  }

  /** {@inheritDoc WritableFileSystem.listPaths} */
  async *listPaths(prefix = ""): AsyncGenerator<StoredPathInfo> {
    if (prefix !== "") parseStorageKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix, this.describe(), "list");
    const base = this.prefix === "" ? "" : `${this.prefix}/`;
    let pages: ReturnType<ReturnType<ContainerClient["listBlobsFlat"]>["byPage"]> | undefined;
    for (;;) {
      let page;
      try {
        pages ??= (await this.#client()).listBlobsFlat({ prefix: base + prefix }).byPage({ maxPageSize: 1000 });
        page = await pages.next();
      } catch (err) {
        throw this.#wrap(err, prefix, base + prefix, "list");
      }
      if (page.done === true) return;
      for (const item of page.value.segment.blobItems) {
        if (!item.name.startsWith(base)) continue;
        yield {
          path: item.name.slice(base.length),
          size: item.properties.contentLength ?? 0,
          modifiedAt: item.properties.lastModified,
        };
      }
    }
  }

  /** The container client, created on first use (loading the Azure SDK), once per instance. */
  #client(): Promise<ContainerClient> {
    this.#container ??= containerClient(this.#connection, this.containerName).catch((err: unknown) => {
      this.#container = undefined;
      throw err;
    });
    return this.#container;
  }

  #blobName(key: string, operation: StorageOperation): string {
    parseStorageKey(key, this.describe(), operation);
    return this.prefix === "" ? key : `${this.prefix}/${key}`;
  }

  #wrap(err: unknown, key: string, name: string, operation: StorageOperation): Error {
    return toAzureStorageError(err, {
      key,
      storage: this.describe(),
      operation,
      location: `az://${this.containerName}/${name}`,
      container: this.containerName,
      bucketPath: this.bucketPath,
      accountUrl: this.accountUrl,
      auth: this.#connection.auth,
      secrets: [this.connectionString, this.accountKey, this.sasToken],
    });
  }
}

