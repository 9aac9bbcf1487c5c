import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { AzureBlobStorage } from "../../src/blocks/azure-blob-storage/azure-blob-storage.js";
import { Block } from "../../src/blocks/block.js";
import { findBlockType } from "../../src/blocks/block-registry.js";
import "../../src/blocks/builtin-block-types.js";
import { S3 } from "../../src/blocks/s3/s3.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";

const AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

void describe("built-in block types", () => {
  void it("are registered under their slugs", () => {
    assert.equal(findBlockType("s3"), S3);
    assert.equal(findBlockType("azure-blob-storage"), AzureBlobStorage);
  });

  void it("S3: save, then Block.load and S3.load give an S3 with usable secrets (DESIGN §6)", async () => {
    await t.engine.run(async () => {
      const id = await new S3({
        bucketPath: "bucket/prefix",
        awsAccessKeyId: "AKIAIOSFODNN7EXAMPLE",
        awsSecretAccessKey: AWS_SECRET,
        endpointUrl: "http://127.0.0.1:9000",
        region: "us-east-1",
      }).save("demo", { overwrite: true });
      const loaded = await Block.load("s3/demo");
      assert.ok(loaded instanceof S3);
      assert.equal(loaded.blockDocumentId, id);
      assert.equal(loaded.bucketPath, "bucket/prefix");
      assert.equal(loaded.awsSecretAccessKey?.getSecretValue(), AWS_SECRET);
      const typed = await S3.load("demo");
      assert.equal(typed.endpointUrl, "http://127.0.0.1:9000");
      for (const text of [String(typed), JSON.stringify(typed), inspect(typed)]) assert.ok(!text.includes(AWS_SECRET), text);
      const stored = await (await t.engine.client()).readBlockDocument("s3", "demo");
      assert.deepEqual(stored?.secretFields, ["awsSecretAccessKey"]);
      assert.equal(stored?.data.awsSecretAccessKey, "********");
    });
  });

  void it("AzureBlobStorage: save and load back with its secrets", async () => {
    await t.engine.run(async () => {
      await new AzureBlobStorage({ bucketPath: "container/prefix", accountUrl: "http://127.0.0.1:10000/devstoreaccount1", accountName: "devstoreaccount1", accountKey: ACCOUNT_KEY }).save("azure");
      const loaded = await AzureBlobStorage.load("azure");
      assert.ok(loaded instanceof AzureBlobStorage);
      assert.equal(loaded.accountKey?.getSecretValue(), ACCOUNT_KEY);
      assert.ok(!JSON.stringify(loaded).includes(ACCOUNT_KEY));
    });
  });
});
