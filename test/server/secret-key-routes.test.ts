// POST /api/block-secrets/rotate-key: who may call it, and what a server whose key comes
// from CAIRN_SECRET_KEY answers.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SecretKey } from "../../src/blocks/secrets/secret-key.js";
import { SecretKeySource } from "../../src/blocks/secrets/secret-key-source.js";
import { openMetadataService } from "../../src/database/service/open-metadata-service.js";
import { createServerApp } from "../../src/server/create-server-app.js";
import { body, tempService } from "./helpers.js";

let store: Awaited<ReturnType<typeof tempService>>;
before(async () => {
  store = await tempService();
  await store.service.blocks.save({ blockTypeSlug: "s3", name: "k", data: { bucketPath: "b", awsSecretAccessKey: "pw" }, secretFields: ["awsSecretAccessKey"] });
});
after(async () => {
  await store.dispose();
});

describe("POST /api/block-secrets/rotate-key", () => {
  test("without an API key on the server, a client that is not known to be local gets 403 and nothing changes", async () => {
    const before = new SecretKeySource({ file: join(store.dir, "secret.key") }).current()!.fingerprint;
    const app = createServerApp({ service: store.service, log: () => undefined });
    const res = await app.request("/api/block-secrets/rotate-key", { method: "POST" });
    assert.equal(res.status, 403);
    const { error } = await body(res);
    assert.equal(error.code, "KEY_ROTATION_FORBIDDEN");
    assert.match(error.message, /needs CAIRN_SERVER_API_KEY to be set on the server .*Nothing was changed/);
    assert.equal(new SecretKeySource({ file: join(store.dir, "secret.key") }).current()!.fingerprint, before);
  });

  test("with the key: 200 with fingerprints and paths only", async () => {
    const app = createServerApp({ service: store.service, apiKey: "k1", log: () => undefined });
    const res = await app.request("/api/block-secrets/rotate-key", { method: "POST", headers: { authorization: "Bearer k1" } });
    assert.equal(res.status, 200);
    const answer = await body(res);
    assert.deepEqual(Object.keys(answer).sort(), ["backupFile", "documents", "keyFile", "newFingerprint", "oldFingerprint"]);
    assert.equal(answer.documents, 1);
    assert.equal(new SecretKeySource({ file: join(store.dir, "secret.key") }).current()!.fingerprint, answer.newFingerprint);
    assert.equal((await store.service.blocks.read("s3", "k", { includeSecrets: true }))!.data.awsSecretAccessKey, "pw");
  });

  test("a server whose key comes from CAIRN_SECRET_KEY answers 409 with what to do on its machine", async () => {
    const key = SecretKey.generate();
    const service = await openMetadataService({
      databaseUrl: `sqlite:///${join(store.dir, "env.db")}`,
      secretKey: new SecretKeySource({ file: join(store.dir, "unused.key"), value: key.toBase64() }),
    });
    try {
      await service.blocks.save({ blockTypeSlug: "s3", name: "e", data: { bucketPath: "b", awsSecretAccessKey: "pw" }, secretFields: ["awsSecretAccessKey"] });
      const app = createServerApp({ service, apiKey: "k2", log: () => undefined });
      const res = await app.request("/api/block-secrets/rotate-key", { method: "POST", headers: { authorization: "Bearer k2" } });
      assert.equal(res.status, 409);
      const { error } = await body(res);
      assert.equal(error.code, "KEY_ROTATION_REFUSED");
      assert.equal(error.context.reason, "SECRET_KEY_UNAVAILABLE");
      assert.match(error.message, /comes from its CAIRN_SECRET_KEY setting, so the server cannot install a new key itself.*restart the server with CAIRN_SECRET_KEY set to the new key/);
      assert.doesNotMatch(JSON.stringify(error), new RegExp(key.toBase64().replace(/[+/=]/g, ".")));
    } finally {
      await service.close();
    }
  });
});
