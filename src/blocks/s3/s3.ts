import { inspect } from "node:util";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { Block } from "../block.js";
import { SECRET_MASK, type SecretStr } from "../secret-str.js";
import type { StorageOperation } from "../storage-error.js";
import { parseStorageKey } from "../storage-key.js";
import type { PathReader, PathWriter, StoredPathInfo, UnfinishedWrite, WritableFileSystem } from "../writable-file-system.js";
import { parseBucketPath, parseEndpointUrl, parsePartSize, parseSecret } from "./parse-options.js";
import { connectS3, type S3Connection, uploadMultipart } from "./s3-connection.js";
import { isS3NotFound, s3ErrorName, s3HttpStatus, toS3StorageError } from "./s3-error.js";
import { openS3Reader } from "./s3-path-reader.js";
import { openS3Writer } from "./s3-path-writer.js";
import { DEFAULT_UPLOAD_PART_SIZE, MIN_UPLOAD_PART_SIZE, type S3Options } from "./s3-options.js";

const CONFIG_FIELDS = ["bucketPath", "awsAccessKeyId", "awsSecretAccessKey", "awsSessionToken", "endpointUrl", "region", "uploadPartSize"];

/** Parallel part uploads of one multipart upload. */
const UPLOAD_QUEUE_SIZE = 4;

/**
 * A storage block for a bucket (and a prefix inside it) on AWS S3 or any S3-compatible
 * server given as `endpointUrl` (MinIO, SeaweedFS, Ceph, Cloudflare R2, ...).
 *
 * A key `k` is the object `prefix/k`. Each write is one `PutObject`, or one multipart
 * upload for results larger than {@link S3Options.uploadPartSize}; either way the object
 * appears whole or not at all. Secrets are kept as {@link SecretStr} and never appear in
 * messages, {@link S3.describe}, `toString()`, JSON or `util.inspect` output.
 *
 * @example
 * ```ts
 * const storage = new S3({
 *   bucketPath: "my-bucket/cairn/results",
 *   awsAccessKeyId: process.env.AWS_ACCESS_KEY_ID,
 *   awsSecretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
 *   endpointUrl: "http://127.0.0.1:8333", // omit for AWS S3
 * });
 * await storage.writePath("reports/2024.json", new TextEncoder().encode("{}"));
 * const bytes = await storage.readPath("reports/2024.json");
 * ```
 */
export class S3 extends Block implements WritableFileSystem {
  /** The block type slug under which S3 blocks are saved. */
  static readonly blockTypeSlug = "s3";
  /** The fields holding secrets: masked by `toConfig()` unless asked for. */
  static readonly secretFields: readonly string[] = ["awsSecretAccessKey", "awsSessionToken"];
  /** {@inheritDoc WritableFileSystem.blockTypeSlug} */
  readonly blockTypeSlug: string = S3.blockTypeSlug;

  /** `bucket/prefix`, normalized (no `s3://`, no trailing `/`). */
  readonly bucketPath: string;
  /** The bucket name. */
  readonly bucket: string;
  /** The key prefix inside the bucket, without leading or trailing `/` (`""` for none). */
  readonly prefix: string;
  /** The access key id, when keys are given (else the default credential chain applies). */
  readonly awsAccessKeyId: string | undefined;
  /** The secret access key. */
  readonly awsSecretAccessKey: SecretStr | undefined;
  /** The session token of temporary credentials. */
  readonly awsSessionToken: SecretStr | undefined;
  /** The S3-compatible endpoint, or `undefined` for AWS S3. */
  readonly endpointUrl: string | undefined;
  /** The region, when set. */
  readonly region: string | undefined;
  /** See {@link S3Options.uploadPartSize}. */
  readonly uploadPartSize: number;

  #connection: Promise<S3Connection> | undefined;

  constructor(options: S3Options) {
    super();
    if (options === null || typeof options !== "object") {
      throw new ConfigurationError(`S3 needs options such as { bucketPath: "bucket/prefix" }, got ${String(options)}.`);
    }
    const { bucket, prefix } = parseBucketPath(options.bucketPath, "S3", "bucketPath");
    this.bucket = bucket;
    this.prefix = prefix;
    this.bucketPath = prefix === "" ? bucket : `${bucket}/${prefix}`;
    if (options.awsAccessKeyId !== undefined && (typeof options.awsAccessKeyId !== "string" || options.awsAccessKeyId === "")) {
      throw new ConfigurationError(`S3 option awsAccessKeyId must be a non-empty string, got ${JSON.stringify(options.awsAccessKeyId)}.`);
    }
    this.awsAccessKeyId = options.awsAccessKeyId;
    this.awsSecretAccessKey = parseSecret(options.awsSecretAccessKey, "S3", "awsSecretAccessKey");
    this.awsSessionToken = parseSecret(options.awsSessionToken, "S3", "awsSessionToken");
    if ((this.awsAccessKeyId === undefined) !== (this.awsSecretAccessKey === undefined)) {
      throw new ConfigurationError(
        `S3 options awsAccessKeyId and awsSecretAccessKey go together: give both, or neither to use the AWS default credential chain.`,
      );
    }
    if (this.awsSessionToken !== undefined && this.awsAccessKeyId === undefined) {
      throw new ConfigurationError(`S3 option awsSessionToken needs awsAccessKeyId and awsSecretAccessKey as well.`);
    }
    this.endpointUrl = options.endpointUrl === undefined ? undefined : parseEndpointUrl(options.endpointUrl, "S3", "endpointUrl");
    if (options.region !== undefined && (typeof options.region !== "string" || !/^[a-z0-9-]+$/i.test(options.region))) {
      throw new ConfigurationError(`S3 option region must be a region name such as "eu-west-1", got ${JSON.stringify(options.region)}.`);
    }
    this.region = options.region;
    this.uploadPartSize = parsePartSize(options.uploadPartSize, "S3", "uploadPartSize", MIN_UPLOAD_PART_SIZE, DEFAULT_UPLOAD_PART_SIZE);
  }

  /**
   * Rebuilds a block from the fields of {@link S3.toConfig} (with secrets included).
   *
   * @example
   * ```ts
   * const storage = S3.fromConfig(saved.toConfig({ includeSecrets: true }));
   * ```
   */
  static fromConfig(config: Record<string, unknown>): S3 {
    if (config === null || typeof config !== "object") {
      throw new ConfigurationError(`Invalid s3 block configuration: expected an object, got ${String(config)}.`);
    }
    const unknown = Object.keys(config).filter((k) => !CONFIG_FIELDS.includes(k));
    if (unknown.length > 0) {
      throw new ConfigurationError(`Invalid s3 block configuration: unknown field(s) ${unknown.join(", ")} (known: ${CONFIG_FIELDS.join(", ")}).`);
    }
    const value = (field: string): unknown => (config[field] === null ? undefined : config[field]);
    return new S3({
      bucketPath: value("bucketPath") as string,
      awsAccessKeyId: value("awsAccessKeyId") as string | undefined,
      awsSecretAccessKey: value("awsSecretAccessKey") as string | undefined,
      awsSessionToken: value("awsSessionToken") as string | undefined,
      endpointUrl: value("endpointUrl") as string | undefined,
      region: value("region") as string | undefined,
      uploadPartSize: value("uploadPartSize") as number | undefined,
    });
  }

  /** `s3://bucket/prefix (endpoint URL)`, or `(AWS S3, region ...)` without an endpoint. */
  describe(): string {
    return `s3://${this.bucketPath} (${this.#endpointLabel()})`;
  }

  /**
   * The block's fields: `bucketPath`, `endpointUrl`, `region`, `uploadPartSize` and the
   * credentials that are set, secrets as `"********"` unless `includeSecrets` is true.
   *
   * @example
   * ```ts
   * storage.toConfig();                         // { bucketPath: "b/p", awsSecretAccessKey: "********", ... }
   * storage.toConfig({ includeSecrets: true }); // the real secrets, for the encrypted block store
   * ```
   */
  toConfig({ includeSecrets = false }: { includeSecrets?: boolean } = {}): Record<string, unknown> {
    const secret = (value: SecretStr | undefined): string | undefined =>
      value === undefined ? undefined : includeSecrets ? value.getSecretValue() : SECRET_MASK;
    const config: Record<string, unknown> = {
      bucketPath: this.bucketPath,
      awsAccessKeyId: this.awsAccessKeyId,
      awsSecretAccessKey: secret(this.awsSecretAccessKey),
      awsSessionToken: secret(this.awsSessionToken),
      endpointUrl: this.endpointUrl,
      region: this.region,
      uploadPartSize: this.uploadPartSize,
    };
    for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
    return config;
  }

  /** The configuration with secrets masked (what `JSON.stringify(block)` writes). */
  override toJSON(): Record<string, unknown> {
    return this.toConfig();
  }

  /** `S3(s3://bucket/prefix (endpoint ...))`. */
  override toString(): string {
    return `S3(${this.describe()})`;
  }

  /** Shows the block with its secrets masked. */
  override [inspect.custom](): string {
    return `S3 ${inspect(this.toConfig())}`;
  }

  /**
   * The object key (`prefix/key`) of a storage key; the key is validated, nothing is sent.
   *
   * @example
   * ```ts
   * new S3({ bucketPath: "b/results" }).objectKey("a/1.json"); // "results/a/1.json"
   * ```
   */
  objectKey(key: string): string {
    return this.#objectKey(key, "read");
  }

  /** {@inheritDoc WritableFileSystem.readPath} */
  async readPath(path: string): Promise<Uint8Array> {
    const objectKey = this.#objectKey(path, "read");
    try {
      const { client, sdk } = await this.#connect();
      const response = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      if (response.Body === undefined) return new Uint8Array(0);
      return await response.Body.transformToByteArray();
    } catch (err) {
      throw this.#wrap(err, path, objectKey, "read");
    }
  }

  /** {@inheritDoc WritableFileSystem.writePath} */
  async writePath(path: string, bytes: Uint8Array): Promise<void> {
    const objectKey = this.#objectKey(path, "write");
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`writePath(${JSON.stringify(path)}) needs a Uint8Array, got ${typeof bytes}.`);
    }
    const params = { Bucket: this.bucket, Key: objectKey, Body: bytes };
    try {
      const { client, sdk } = await this.#connect();
      if (bytes.byteLength <= this.uploadPartSize) {
        await client.send(new sdk.PutObjectCommand({ ...params, ContentLength: bytes.byteLength }));
      } else {
        await uploadMultipart(client, params, this.uploadPartSize, UPLOAD_QUEUE_SIZE);
      }
    } catch (err) {
      throw this.#wrap(err, path, objectKey, "write");
    }
  }

  /**
   * Opens the object at `path` to read it in parts: one streamed GET for reads that go
   * forward, a ranged GET (conditional on the object's ETag) for a read elsewhere.
   * {@inheritDoc WritableFileSystem.openReader}
   */
  async openReader(path: string): Promise<PathReader> {
    const objectKey = this.#objectKey(path, "read");
    const wrap = (err: unknown): Error => this.#wrap(err, path, objectKey, "read");
    try {
      return await openS3Reader({ connection: await this.#connect(), bucket: this.bucket, objectKey }, wrap);
    } catch (err) {
      throw wrap(err);
    }
  }

  /**
   * Starts a streamed write of `path`: a multipart upload of {@link S3.uploadPartSize}
   * parts, 4 in flight, parts written whole uploaded straight from the caller's bytes.
   * Nothing is visible under the key until `commit()` completes the upload; `abort()` or
   * a failure aborts it (its parts deleted). An object of one part is one PutObject.
   * {@inheritDoc WritableFileSystem.openWriter}
   */
  async openWriter(path: string): Promise<PathWriter> {
    const objectKey = this.#objectKey(path, "write");
    const wrap = (err: unknown): Error => this.#wrap(err, path, objectKey, "write");
    try {
      const connection = await this.#connect();
      return openS3Writer({ connection, bucket: this.bucket, objectKey, partSize: this.uploadPartSize, concurrency: UPLOAD_QUEUE_SIZE }, wrap);
    } catch (err) {
      throw wrap(err);
    }
  }

  /** {@inheritDoc WritableFileSystem.deletePath} */
  async deletePath(path: string): Promise<void> {
    const objectKey = this.#objectKey(path, "delete");
    try {
      const { client, sdk } = await this.#connect();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (err) {
      if (isS3NotFound(err)) return;
      throw this.#wrap(err, path, objectKey, "delete");
    }
  }

  /** {@inheritDoc WritableFileSystem.exists} */
  async exists(path: string): Promise<boolean> {
    const objectKey = this.#objectKey(path, "exists");
    const command = { Bucket: this.bucket, Key: objectKey };
    try {
      const { client, sdk } = await this.#connect();
      await client.send(new sdk.HeadObjectCommand(command));
      return true;
    } catch (err) {
      const status = s3HttpStatus(err);
      if (status !== 404 && status !== 403) throw this.#wrap(err, path, objectKey, "exists");
    }
    // A HEAD answer has no body: a 404 may mean "no such bucket" and a 403 may be any
    // credential problem. A GET tells which (and is sent only for these answers).
    try {
      const { client, sdk } = await this.#connect();
      const response = await client.send(new sdk.GetObjectCommand(command));
      (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
      return true;
    } catch (err) {
      if (isS3NotFound(err)) return false;
      throw this.#wrap(err, path, objectKey, "exists");
    }
  }

  /** {@inheritDoc WritableFileSystem.listPaths} */
  async *listPaths(prefix = ""): AsyncGenerator<StoredPathInfo> {
    if (prefix !== "") parseStorageKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix, this.describe(), "list");
    const base = this.prefix === "" ? "" : `${this.prefix}/`;
    let token: string | undefined;
    do {
      let page;
      try {
        const { client, sdk } = await this.#connect();
        page = await client.send(new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: base + prefix, ContinuationToken: token }));
      } catch (err) {
        throw this.#wrap(err, prefix, base + prefix, "list");
      }
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        // Folder markers ("a/") are no results.
        if (key === undefined || !key.startsWith(base) || key.endsWith("/")) continue;
        yield { path: key.slice(base.length), size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** {@inheritDoc WritableFileSystem.readHead} One ranged `GetObject`. */
  async readHead(path: string, maxBytes: number): Promise<Uint8Array> {
    const objectKey = this.#objectKey(path, "read");
    const length = Math.max(0, Math.trunc(maxBytes));
    if (length === 0) return new Uint8Array(0);
    try {
      const { client, sdk } = await this.#connect();
      const response = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: objectKey, Range: `bytes=0-${length - 1}` }));
      if (response.Body === undefined) return new Uint8Array(0);
      const bytes = await response.Body.transformToByteArray();
      return new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, length));
    } catch (err) {
      // An empty object has no byte 0: "InvalidRange" (416).
      if (s3HttpStatus(err) === 416 || s3ErrorName(err) === "InvalidRange") return new Uint8Array(0);
      throw this.#wrap(err, path, objectKey, "read");
    }
  }

  /**
   * {@inheritDoc WritableFileSystem.listUnfinishedWrites}
   * Here: the multipart uploads under the prefix that were started and neither completed nor
   * aborted (a writer killed mid-upload); their parts cost storage until aborted.
   */
  async *listUnfinishedWrites(prefix = ""): AsyncGenerator<UnfinishedWrite> {
    if (prefix !== "") parseStorageKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix, this.describe(), "list");
    const base = this.prefix === "" ? "" : `${this.prefix}/`;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      let page;
      try {
        const { client, sdk } = await this.#connect();
        page = await client.send(
          new sdk.ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: base + prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
        );
      } catch (err) {
        throw this.#wrap(err, prefix, base + prefix, "list");
      }
      for (const upload of page.Uploads ?? []) {
        if (upload.Key === undefined || upload.UploadId === undefined || !upload.Key.startsWith(base)) continue;
        yield {
          path: upload.Key.slice(base.length),
          size: 0,
          modifiedAt: upload.Initiated ?? new Date(0),
          token: JSON.stringify({ key: upload.Key, uploadId: upload.UploadId }),
        };
      }
      if (page.IsTruncated !== true || (page.NextKeyMarker === undefined && page.NextUploadIdMarker === undefined)) return;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  /** {@inheritDoc WritableFileSystem.discardUnfinishedWrite} `AbortMultipartUpload`. */
  async discardUnfinishedWrite(write: UnfinishedWrite): Promise<void> {
    const { key, uploadId } = JSON.parse(write.token) as { key: string; uploadId: string };
    try {
      const { client, sdk } = await this.#connect();
      await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (err) {
      if (s3ErrorName(err) === "NoSuchUpload" || s3HttpStatus(err) === 404) return;
      throw this.#wrap(err, write.path, key, "delete");
    }
  }

  /** {@inheritDoc WritableFileSystem.locationUri} `s3://<endpoint host, or aws>/<bucket>/<prefix>/`. */
  locationUri(): string {
    let endpoint = "aws";
    if (this.endpointUrl !== undefined) {
      try {
        const url = new URL(this.endpointUrl);
        endpoint = `${url.host}${url.pathname.replace(/\/+$/, "")}`;
      } catch {
        endpoint = this.endpointUrl;
      }
    }
    return `s3://${endpoint}/${this.bucket}/${this.prefix === "" ? "" : `${this.prefix}/`}`;
  }

  /**
   * Closes the client's idle connections. The block stays usable: a later call opens new ones.
   *
   * @example
   * ```ts
   * await storage.close();
   * ```
   */
  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    (await connection?.catch(() => undefined))?.client.destroy();
  }

  /** The SDK and the client, loaded and created on first use, once per instance. */
  #connect(): Promise<S3Connection> {
    this.#connection ??= connectS3(this).catch((err: unknown) => {
      this.#connection = undefined;
      throw err;
    });
    return this.#connection;
  }

  #objectKey(key: string, operation: StorageOperation): string {
    parseStorageKey(key, this.describe(), operation);
    return this.prefix === "" ? key : `${this.prefix}/${key}`;
  }

  #endpointLabel(): string {
    if (this.endpointUrl !== undefined) return `endpoint ${this.endpointUrl}`;
    return this.region === undefined ? "AWS S3" : `AWS S3, region ${this.region}`;
  }

  #wrap(err: unknown, key: string, objectKey: string, operation: StorageOperation): Error {
    return toS3StorageError(err, {
      key,
      storage: this.describe(),
      operation,
      location: `s3://${this.bucket}/${objectKey}`,
      bucket: this.bucket,
      bucketPath: this.bucketPath,
      endpoint: this.endpointUrl ?? this.#endpointLabel(),
      keysInOptions: this.awsAccessKeyId !== undefined,
      secrets: [this.awsSecretAccessKey, this.awsSessionToken],
    });
  }
}
