// `cairn results prune --orphans` on S3 (a real SeaweedFS) and Azure Blob Storage (Azurite):
// listing, the blob check (ranged reads), incomplete multipart uploads, blocks at nested
// prefixes of one bucket.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { S3Client, CreateMultipartUploadCommand, UploadPartCommand, ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { AzureBlobStorage } from "../../src/blocks/azure-blob-storage/azure-blob-storage.js";
import { S3 } from "../../src/blocks/s3/s3.js";
import type { WritableFileSystem } from "../../src/blocks/writable-file-system.js";
import { runCli } from "../../src/cli/main.js";
import { readResult, task, type PersistedResult } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { startAzurite, type AzuriteServer } from "../support/azurite-server.js";
import { startS3Server, type S3TestServer } from "../support/s3-server.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let s3Server: S3TestServer;
let azurite: AzuriteServer;
let t: TestEngine;
let s3: S3;
let s3Inner: S3;
let azure: AzureBlobStorage;

before(async () => {
  [s3Server, azurite] = await Promise.all([startS3Server(), startAzurite()]);
  t = createTestEngine({ NO_COLOR: "1" });
  s3 = new S3({ bucketPath: `${s3Server.bucket}/prune`, endpointUrl: s3Server.endpoint, ...s3Server.adminKeys });
  s3Inner = new S3({ bucketPath: `${s3Server.bucket}/prune/inner`, endpointUrl: s3Server.endpoint, ...s3Server.adminKeys });
  azure = new AzureBlobStorage({ bucketPath: `${azurite.container}/prune`, connectionString: azurite.connectionString });
  await t.engine.run(async () => {
    await s3.save("prune");
    await s3Inner.save("prune-inner");
    await azure.save("prune");
  });
});
after(async () => {
  await Promise.all([s3.close(), s3Inner.close()]);
  await t.cleanup();
  await Promise.all([s3Server.stop(), azurite.stop()]);
});

const cli = (...args: string[]) => runCli(args, { env: t.env, cwd: t.home });

async function persist(slug: string, n: number): Promise<PersistedResult[]> {
  const keep = task({ name: `keep-${slug}`, persistResult: true, resultStorage: slug }, (i: number) => ({ slug, i }));
  const refs: PersistedResult[] = [];
  await t.engine.run(async () => {
    for (let i = 0; i < n; i++) refs.push((await keep.returnState(i)).data as PersistedResult);
  });
  await t.engine.flush();
  return refs;
}

async function keys(storage: WritableFileSystem): Promise<string[]> {
  const out: string[] = [];
  for await (const info of storage.listPaths!()) out.push(info.path);
  return out.sort();
}

describe("readHead on S3 and Azure", () => {
  for (const [name, storage] of [["S3", () => s3], ["Azure", () => azure]] as const) {
    it(`${name}: the first bytes in one ranged read; fewer for a short object; none for an empty one`, async () => {
      const bytes = new TextEncoder().encode('{"cairn":1,"serializer":{"type":"json"}}');
      await storage().writePath("head/blob", bytes);
      await storage().writePath("head/empty", new Uint8Array(0));
      assert.deepEqual(new TextDecoder().decode(await storage().readHead!("head/blob", 9)), '{"cairn":');
      assert.deepEqual(await storage().readHead!("head/blob", 1000), bytes);
      assert.equal((await storage().readHead!("head/empty", 64)).byteLength, 0);
      await assert.rejects(storage().readHead!("head/missing", 64), (err: unknown) => (err as { code?: string }).code === "RESULT_NOT_FOUND");
      for (const key of ["head/blob", "head/empty"]) await storage().deletePath!(key);
    });
  }
});

describe("cairn results prune --orphans on S3 and Azure", () => {
  it("removes unreferenced blobs and incomplete multipart uploads; keeps referenced blobs (also through a nested block), young ones and non-blobs", async () => {
    const onS3 = await persist("s3/prune", 2);
    const onInner = await persist("s3/prune-inner", 2);
    const onAzure = await persist("azure-blob-storage/prune", 2);
    const blob = await s3.readPath(onS3[0]!.storageKey);
    await s3.writePath("orphan-s3-0000000000000000000000", blob);
    await s3.writePath("inner/orphan-inner-00000000000000000", blob);
    await s3.writePath("data.csv", new TextEncoder().encode("a,b\n1,2\n"));
    await azure.writePath("orphan-azure-000000000000000000000", blob);
    await azure.writePath("readme.txt", new TextEncoder().encode("not a result"));

    // A writer killed in the middle of a multipart upload.
    const sdk = new S3Client({
      endpoint: s3Server.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: s3Server.adminKeys.awsAccessKeyId, secretAccessKey: s3Server.adminKeys.awsSecretAccessKey },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    const started = await sdk.send(new CreateMultipartUploadCommand({ Bucket: s3Server.bucket, Key: "prune/big-never-finished" }));
    await sdk.send(
      new UploadPartCommand({ Bucket: s3Server.bucket, Key: "prune/big-never-finished", UploadId: started.UploadId, PartNumber: 1, Body: new Uint8Array(1024) }),
    );
    const uploads = async () =>
      ((await sdk.send(new ListMultipartUploadsCommand({ Bucket: s3Server.bucket, Prefix: "prune/" }))).Uploads ?? []).map((u) => u.Key);
    assert.deepEqual(await uploads(), ["prune/big-never-finished"]);

    // Everything was written just now: at the default threshold (1h) nothing goes.
    const cautious = await cli("results", "prune", "--orphans");
    assert.equal(cautious.code, 0, cautious.stderr);
    assert.match(cautious.stdout, /^Removed 0 orphaned result blobs \(0 B\) and 0 stale unfinished writes/m);
    assert.match(cautious.stdout, new RegExp(`s3://${s3Server.bucket}/prune .*: 0 orphaned blobs .*; 4 unreferenced newer than 1h kept`));
    assert.deepEqual(await uploads(), ["prune/big-never-finished"]);

    const dry = await cli("results", "prune", "--orphans", "--older-than", "0s", "--dry-run");
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^would delete .*: orphan-s3-0+ \(/m);
    assert.match(dry.stdout, /^would delete .*: inner\/orphan-inner-0+ \(/m);
    assert.match(dry.stdout, /^would delete .*: unfinished write big-never-finished \(/m);
    assert.match(dry.stdout, /^would delete .*: orphan-azure-0+ \(/m);
    assert.doesNotMatch(dry.stdout, /data\.csv|readme\.txt/);
    assert.match(dry.stdout, /^Dry run: 3 orphaned result blobs \([^)]+\) and 1 stale unfinished write \(0 B\) would be removed/m);
    assert.equal((await keys(s3)).filter((k) => k.includes("orphan")).length, 2, "a dry run deletes nothing");

    const run = await cli("results", "prune", "--orphans", "--older-than", "0s");
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Removed 3 orphaned result blobs \([^)]+\) and 1 stale unfinished write \(0 B\)/m);
    assert.match(run.stdout, new RegExp(`s3://${s3Server.bucket}/prune/inner .*: inside .*s3://${s3Server.bucket}/prune .*, swept with it\\.`));
    assert.deepEqual(await uploads(), []);
    assert.deepEqual(await keys(s3), [...onS3.map((r) => r.storageKey), "data.csv", ...onInner.map((r) => `inner/${r.storageKey}`)].sort());
    assert.deepEqual(await keys(azure), [...onAzure.map((r) => r.storageKey), "readme.txt"].sort());
    for (const [slug, refs] of [["s3/prune", onS3], ["s3/prune-inner", onInner], ["azure-blob-storage/prune", onAzure]] as const) {
      for (const [i, ref] of refs.entries()) {
        assert.deepEqual(await t.engine.run(() => readResult(ref.storageKey, { storage: slug })), { slug, i });
      }
    }
    sdk.destroy();
  });
});
