import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { AzureBlobStorage } from "../../src/blocks/azure-blob-storage/azure-blob-storage.js";
import type { AzureBlobStorageOptions } from "../../src/blocks/azure-blob-storage/azure-blob-storage-options.js";
import { SecretStr } from "../../src/blocks/secret-str.js";
import type { WritableFileSystem } from "../../src/blocks/writable-file-system.js";
import { isStorageError, StorageErrorCode, type StorageError } from "../../src/blocks/storage-error.js";
import { isCairnError } from "../../src/errors/cairn-error.js";
import { task, type PersistedResult } from "../../src/index.js";
import { MsgpackSerializer } from "../../src/serializers/index.js";
import { createTestEngine } from "../../src/testing/index.js";
import { startAzurite, type AzuriteServer } from "../support/azurite-server.js";
import { freePorts } from "../support/s3-server.js";
import { runStorageContract } from "./storage.contract.js";

const MiB = 1024 * 1024;
const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);
const textOf = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

let azurite: AzuriteServer;
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite?.stop();
});

let counter = 0;
/** A fresh, empty storage under its own prefix of the test container. */
function storageFor(options: Partial<AzureBlobStorageOptions> = {}): AzureBlobStorage {
  return new AzureBlobStorage({ bucketPath: `${azurite.container}/case-${counter++}`, connectionString: azurite.connectionString, ...options });
}

/** A plain SDK client, independent of the block. */
function plainContainer() {
  return BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(azurite.container);
}

/** A SAS for the test container with the given permissions (e.g. "rl"). */
function containerSas(permissions: string): string {
  return generateBlobSASQueryParameters(
    { containerName: azurite.container, permissions: ContainerSASPermissions.parse(permissions), expiresOn: new Date(Date.now() + 3_600_000) },
    new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
  ).toString();
}

/** Asserts a StorageError of `code` whose message matches every pattern and holds no secret. */
async function rejectsWith(promise: Promise<unknown>, code: StorageError["code"], patterns: RegExp[], secrets: string[] = []) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isStorageError(err), `expected a StorageError, got ${inspect(err)}`);
    assert.equal(err.code, code, err.message);
    for (const pattern of patterns) assert.match(err.message, pattern);
    const shown = `${err.message}\n${inspect(err, { depth: 8 })}\n${JSON.stringify(err)}`;
    for (const secret of secrets) assert.ok(!shown.includes(secret), `the error shows a secret: ${err.message}`);
    return true;
  });
}

runStorageContract("AzureBlobStorage on Azurite", () => ({ storage: storageFor({ uploadBlockSize: 4 * MiB }) }));

void describe("AzureBlobStorage", () => {
  void it("describes itself and round-trips its config, secrets masked unless asked for", () => {
    const connectionString = "DefaultEndpointsProtocol=https;AccountName=myacct;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=core.windows.net";
    const storage = new AzureBlobStorage({ bucketPath: "az://results/dev/flows/", connectionString });
    assert.equal(AzureBlobStorage.blockTypeSlug, "azure-blob-storage");
    assert.equal(storage.blockTypeSlug, "azure-blob-storage");
    assert.deepEqual(AzureBlobStorage.secretFields, ["connectionString", "accountKey", "sasToken"]);
    assert.equal(storage.containerName, "results");
    assert.equal(storage.prefix, "dev/flows");
    assert.equal(storage.accountName, "myacct");
    assert.equal(storage.describe(), "az://results/dev/flows (account https://myacct.blob.core.windows.net)");
    assert.equal(storage.blobName("a/b.json"), "dev/flows/a/b.json");
    const masked = { bucketPath: "results/dev/flows", connectionString: "********", uploadBlockSize: 8 * MiB };
    assert.deepEqual(storage.toConfig(), masked);
    const full = storage.toConfig({ includeSecrets: true });
    assert.deepEqual(full, { ...masked, connectionString });
    assert.deepEqual(AzureBlobStorage.fromConfig(full).toConfig({ includeSecrets: true }), full);
    assert.throws(
      () => AzureBlobStorage.fromConfig(masked),
      (err: unknown) => isCairnError(err, "CONFIGURATION_ERROR") && /includeSecrets/.test(err.message),
    );

    const byUrl = new AzureBlobStorage({ containerName: "results", accountUrl: "https://other.blob.core.windows.net/", accountKey: "a2V5" });
    assert.equal(byUrl.describe(), "az://results (account https://other.blob.core.windows.net)");
    assert.deepEqual(byUrl.toConfig(), {
      bucketPath: "results",
      accountUrl: "https://other.blob.core.windows.net",
      accountName: "other",
      accountKey: "********",
      uploadBlockSize: 8 * MiB,
    });
    // A SAS in the URL is a secret: it moves to sasToken and leaves describe() and the URL.
    const withSas = new AzureBlobStorage({ containerName: "results", accountUrl: "http://127.0.0.1:10000/devacct?sv=2024&sig=SIGNATURE" });
    assert.equal(withSas.accountUrl, "http://127.0.0.1:10000/devacct");
    assert.equal(withSas.sasToken?.getSecretValue(), "sv=2024&sig=SIGNATURE");
    assert.equal(withSas.accountName, "devacct");
    assert.ok(!withSas.describe().includes("SIGNATURE") && !JSON.stringify(withSas).includes("SIGNATURE"));
  });

  void it("never shows the connection string, account key or SAS token", () => {
    const key = randomBytes(32).toString("base64");
    const connectionString = `DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=${key};BlobEndpoint=http://127.0.0.1:1/acct;`;
    const storages = [
      new AzureBlobStorage({ containerName: "c-1", connectionString }),
      new AzureBlobStorage({ containerName: "c-1", connectionString: new SecretStr(connectionString) }),
      new AzureBlobStorage({ containerName: "c-1", accountUrl: "http://127.0.0.1:1/acct", accountKey: key }),
      new AzureBlobStorage({ containerName: "c-1", accountUrl: "http://127.0.0.1:1/acct", sasToken: `sv=1&sig=${key}` }),
    ];
    for (const storage of storages) {
      const shown = [
        storage.describe(),
        String(storage),
        `${storage}`,
        JSON.stringify(storage),
        inspect(storage),
        inspect(storage, { depth: 10, showHidden: true }),
        inspect({ nested: [storage] }),
        JSON.stringify(storage.toConfig()),
        String(storage.connectionString ?? storage.accountKey ?? storage.sasToken),
        inspect(storage.connectionString ?? storage.accountKey ?? storage.sasToken),
      ];
      for (const text of shown) assert.ok(!text.includes(key), `a secret is shown: ${text}`);
      assert.match(inspect(storage), /\*\*\*\*\*\*\*\*/);
    }
  });

  void it("refuses bad options where they are given, without quoting secrets", () => {
    const secret = "c2VjcmV0LXZhbHVlLTEyMzQ=";
    const url = "https://acct.blob.core.windows.net";
    const bad: [Partial<AzureBlobStorageOptions>, RegExp][] = [
      [{ connectionString: `AccountName=a;AccountKey=${secret}` }, /bucketPath is required/],
      [{ bucketPath: "UPPER/p", accountUrl: url }, /lowercase/],
      [{ bucketPath: "a--b", accountUrl: url }, /single hyphens/],
      [{ bucketPath: "c-1", containerName: "c-1", accountUrl: url }, /not both/],
      [{ containerName: "c-1/p", accountUrl: url }, /container name only/],
      [{ bucketPath: "c-1" }, /needs connectionString, or accountUrl/],
      [{ bucketPath: "c-1", connectionString: `AccountName=a;AccountKey=${secret}`, accountUrl: url }, /remove accountUrl/],
      [{ bucketPath: "c-1", connectionString: "just some text" }, /not a connection string/],
      [{ bucketPath: "c-1", connectionString: `AccountName=acct` }, /lacks AccountKey or SharedAccessSignature/],
      [{ bucketPath: "c-1", connectionString: `AccountKey=${secret}` }, /lacks AccountName or BlobEndpoint/],
      [{ bucketPath: "c-1", accountUrl: "acct.blob.core.windows.net" }, /http:\/\/ or https:\/\//],
      [{ bucketPath: "c-1", accountUrl: url, accountKey: secret, sasToken: secret }, /one of accountKey, sasToken and credential/],
      [{ bucketPath: "c-1", accountUrl: "http://127.0.0.1:10000", accountKey: secret }, /needs the account name/],
      [{ bucketPath: "c-1", accountUrl: url, accountKey: "" }, /non-empty/],
      [{ bucketPath: "c-1", accountUrl: url, uploadBlockSize: 1000 }, /at least 1048576/],
    ];
    for (const [options, pattern] of bad) {
      assert.throws(
        () => new AzureBlobStorage(options as AzureBlobStorageOptions),
        (err: unknown) => {
          assert.ok(isCairnError(err, "CONFIGURATION_ERROR"), String(err));
          assert.match(err.message, pattern);
          assert.ok(!err.message.includes(secret), err.message);
          return true;
        },
        JSON.stringify(options),
      );
    }
  });

  void it("stores the exact bytes, as read back by a separate client and by plain HTTP", async () => {
    const storage = storageFor({ uploadBlockSize: 4 * MiB });
    const big = randomBytes(20 * 1024 * 1024);
    const small = randomBytes(1000);
    await storage.writePath("exact/big.bin", big);
    await storage.writePath("exact/small.bin", small);
    const sas = containerSas("r");
    for (const [key, expected] of [["exact/big.bin", big], ["exact/small.bin", small]] as const) {
      const name = storage.blobName(key);
      const viaSdk = await plainContainer().getBlobClient(name).downloadToBuffer();
      assert.ok(viaSdk.equals(expected), `${key}: bytes differ through the SDK`);
      const url = `${azurite.accountUrl}/${azurite.container}/${name.split("/").map(encodeURIComponent).join("/")}?${sas}`;
      const raw = await fetch(url);
      assert.equal(raw.status, 200);
      const rawBytes = Buffer.from(await raw.arrayBuffer());
      assert.equal(rawBytes.byteLength, expected.byteLength, key);
      assert.ok(rawBytes.equals(expected), `${key}: stored bytes differ`);
    }
  });

  void it("uploads results larger than uploadBlockSize as several blocks", async () => {
    const storage = storageFor({ uploadBlockSize: 4 * MiB });
    await storage.writePath("blocks/20mb.bin", randomBytes(20 * 1024 * 1024));
    await storage.writePath("blocks/4mb.bin", randomBytes(4 * MiB));
    const committed = async (key: string) =>
      (await plainContainer().getBlockBlobClient(storage.blobName(key)).getBlockList("committed")).committedBlocks?.length ?? 0;
    assert.equal(await committed("blocks/20mb.bin"), 5);
    assert.equal(await committed("blocks/4mb.bin"), 0, "a single Put Blob has no block list");
  });

  void it("concurrent block uploads to one key end with one whole version", async () => {
    const storage = storageFor({ uploadBlockSize: MiB });
    const versions = Array.from({ length: 4 }, (_, i) => Buffer.alloc(3 * MiB + i, i + 1));
    await Promise.all(versions.map((v) => storage.writePath("shared.bin", v)));
    const back = Buffer.from(await storage.readPath("shared.bin"));
    assert.ok(versions.some((v) => v.equals(back)), `not one whole version (${back.byteLength} bytes)`);
  });

  void it("connects with accountUrl and accountKey, or a SAS token", async () => {
    const prefix = `case-${counter++}`;
    const byKey = new AzureBlobStorage({
      bucketPath: `${azurite.container}/${prefix}`,
      accountUrl: azurite.accountUrl,
      accountKey: azurite.accountKey,
    });
    assert.equal(byKey.accountName, azurite.accountName);
    await byKey.writePath("k.json", bytesOf("by key"));
    const bySas = new AzureBlobStorage({ bucketPath: `${azurite.container}/${prefix}`, accountUrl: azurite.accountUrl, sasToken: containerSas("rwdl") });
    assert.equal(textOf(await bySas.readPath("k.json")), "by key");
    await bySas.writePath("k2.json", bytesOf("by sas"));
    assert.equal(textOf(await byKey.readPath("k2.json")), "by sas");
  });

  void it("says to create the container when it does not exist", async () => {
    const storage = new AzureBlobStorage({ bucketPath: "no-such-container/p", connectionString: azurite.connectionString });
    const patterns = [
      /container "no-such-container" does not exist/,
      /Create the container/,
      /bucketPath "no-such-container\/p"/,
      new RegExp(`account ${azurite.accountUrl}`),
    ];
    await rejectsWith(storage.readPath("k"), StorageErrorCode.BucketNotFound, [...patterns, /read key "k"/]);
    await rejectsWith(storage.writePath("k", bytesOf("x")), StorageErrorCode.BucketNotFound, [...patterns, /write key "k"/]);
    await rejectsWith(storage.exists("k"), StorageErrorCode.BucketNotFound, patterns);
    await rejectsWith(storage.deletePath("k"), StorageErrorCode.BucketNotFound, patterns);
    const list = async () => {
      for await (const _ of storage.listPaths()) void _;
    };
    await rejectsWith(list(), StorageErrorCode.BucketNotFound, patterns);
  });

  void it("says which setting to check when the key is wrong, without showing it", async () => {
    const wrongKey = randomBytes(32).toString("base64");
    const viaString = storageFor({ connectionString: azurite.connectionString.replace(azurite.accountKey, wrongKey) });
    const viaKey = new AzureBlobStorage({ bucketPath: `${azurite.container}/p`, accountUrl: azurite.accountUrl, accountKey: wrongKey });
    const secrets = [wrongKey, azurite.accountKey];
    for (const call of [() => viaString.readPath("k"), () => viaString.writePath("k", bytesOf("x")), () => viaString.exists("k")]) {
      await rejectsWith(call(), StorageErrorCode.AuthenticationFailed, [/did not accept the credentials/, /AccountKey .* in the AzureBlobStorage block's connectionString \(not shown here\)/], secrets);
    }
    for (const call of [() => viaKey.readPath("k"), () => viaKey.deletePath("k")]) {
      await rejectsWith(call(), StorageErrorCode.AuthenticationFailed, [/block's accountKey \(not shown here\)/], secrets);
    }
  });

  void it("reports access denied with the permission needed", async () => {
    const writer = storageFor();
    await writer.writePath("r.json", bytesOf("readable"));
    const sas = containerSas("rl");
    const signature = new URLSearchParams(sas).get("sig") ?? "";
    assert.ok(signature.length > 10);
    const reader = new AzureBlobStorage({ bucketPath: writer.bucketPath, accountUrl: azurite.accountUrl, sasToken: sas });
    assert.equal(textOf(await reader.readPath("r.json")), "readable");
    await rejectsWith(
      reader.writePath("w.json", bytesOf("x")),
      StorageErrorCode.PermissionDenied,
      [/Access denied: cannot write key "w.json"/, /AuthorizationPermissionMismatch/, /w \(write\) and c \(create\)/],
      [sas, signature, azurite.accountKey],
    );
    await rejectsWith(reader.deletePath("r.json"), StorageErrorCode.PermissionDenied, [/d \(delete\)/], [signature]);
  });

  void it("names the endpoint when it cannot be reached", async () => {
    const [port] = await freePorts(1);
    const accountUrl = `http://127.0.0.1:${port}/${azurite.accountName}`;
    const storage = new AzureBlobStorage({ bucketPath: "c-1/p", accountUrl, accountKey: azurite.accountKey });
    const patterns = [new RegExp(`Cannot reach the Azure Blob endpoint ${accountUrl}`), /ECONNREFUSED/, /accountUrl/];
    await rejectsWith(storage.readPath("k"), StorageErrorCode.Unreachable, patterns, [azurite.accountKey]);
    await rejectsWith(storage.writePath("k", bytesOf("x")), StorageErrorCode.Unreachable, patterns);
  });

  void it("names the missing blob's location", async () => {
    const storage = storageFor();
    await rejectsWith(storage.readPath("gone.json"), StorageErrorCode.NotFound, [
      new RegExp(`no blob az://${azurite.container}/${storage.prefix}/gone.json`),
      /pruned/,
    ]);
  });
});

void describe("AzureBlobStorage: streamed results (openWriter / openReader)", () => {
  /** Committed blobs under a storage's prefix, seen by a second client. */
  async function committed(storage: AzureBlobStorage): Promise<string[]> {
    const names: string[] = [];
    for await (const item of plainContainer().listBlobsFlat({ prefix: `${storage.prefix}/` })) names.push(item.name);
    return names;
  }

  void it("a large result is staged in blocks, committed at once, and reads back; the stored bytes are the head line and the msgpack bytes", async () => {
    const storage = storageFor({ uploadBlockSize: 2 * MiB });
    const { engine, cleanup } = createTestEngine();
    try {
      const value = { samples: new Float64Array(700_000).map((_, i) => Math.cos(i)), label: "five megabytes" };
      const big = task({ persistResult: true, resultStorage: storage, cacheResultInMemory: false, name: "azure-big" }, () => value);
      const ref = (await engine.run(() => big.returnState())).data as PersistedResult;
      const blob = plainContainer().getBlockBlobClient(storage.blobName(ref.storageKey));
      const stored = await blob.downloadToBuffer();
      const newline = stored.indexOf(0x0a);
      assert.equal((JSON.parse(stored.toString("utf8", 0, newline)) as { layout: string }).layout, "framed");
      assert.ok(stored.subarray(newline + 1).equals(Buffer.from(await new MsgpackSerializer().dumpsBytes(value))));
      const blocks = await blob.getBlockList("committed");
      assert.equal(blocks.committedBlocks?.length, 3, "three staged blocks of 2 MiB, committed by one block list");
      assert.deepEqual(await ref.get(), value);
      assert.deepEqual(await committed(storage), [storage.blobName(ref.storageKey)]);
    } finally {
      await cleanup();
    }
  });

  void it("a write that fails mid-stream commits nothing: no blob under the key", async () => {
    const storage = storageFor({ uploadBlockSize: 2 * MiB });
    const { engine, cleanup } = createTestEngine();
    try {
      // A fault-injecting wrapper (named as such): the real writer, whose head write fails.
      const failing: WritableFileSystem = {
        blockTypeSlug: storage.blockTypeSlug,
        readPath: (p) => storage.readPath(p),
        writePath: (p, b) => storage.writePath(p, b),
        describe: () => storage.describe(),
        toConfig: () => storage.toConfig({ includeSecrets: true }),
        async openWriter(path: string) {
          const writer = await storage.openWriter(path);
          let writes = 0;
          return {
            write: async (bytes: Uint8Array, position: number) => {
              if (++writes === 2) throw new Error("connection reset while sending the head");
              await writer.write(bytes, position);
            },
            commit: () => writer.commit(),
            abort: () => writer.abort(),
          };
        },
      };
      const big = task({ persistResult: true, resultStorage: failing, name: "azure-fails" }, () => ({ blob: new Uint8Array(7 * MiB).fill(5) }));
      const state = await engine.run(() => big.returnState());
      assert.equal(state.type, "FAILED");
      assert.match(state.message ?? "", /connection reset while sending the head/);
      assert.deepEqual(await committed(storage), []);
    } finally {
      await cleanup();
    }
  });
});
