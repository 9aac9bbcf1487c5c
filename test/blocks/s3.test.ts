import { GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { S3 } from "../../src/blocks/s3/s3.js";
import { s3ClientConfig } from "../../src/blocks/s3/s3-client-config.js";
import type { S3Options } from "../../src/blocks/s3/s3-options.js";
import { SecretStr } from "../../src/blocks/secret-str.js";
import { isStorageError, StorageErrorCode, type StorageError } from "../../src/blocks/storage-error.js";
import { isCairnError } from "../../src/errors/cairn-error.js";
import { task, type PersistedResult } from "../../src/index.js";
import { MsgpackSerializer } from "../../src/serializers/index.js";
import { createTestEngine } from "../../src/testing/index.js";
import { freePorts, startS3Server, type S3TestServer } from "../support/s3-server.js";
import { runStorageContract } from "./storage.contract.js";

// The SDK warns once per process that its 2027 releases need Node 22; not news in a test run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const MiB = 1024 * 1024;
const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

let server: S3TestServer;
before(async () => {
  server = await startS3Server();
});
after(async () => {
  await server?.stop();
});

let counter = 0;
/** A fresh, empty storage under its own prefix of the test bucket. */
function storageFor(options: Partial<S3Options> = {}): S3 {
  return new S3({
    bucketPath: `${server.bucket}/case-${counter++}`,
    endpointUrl: server.endpoint,
    ...server.adminKeys,
    ...options,
  });
}

/** A plain SDK client, independent of the block, with the SDK's own defaults. */
function plainClient(): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: server.adminKeys.awsAccessKeyId, secretAccessKey: server.adminKeys.awsSecretAccessKey },
  });
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

runStorageContract("S3 on SeaweedFS", () => {
  // Parts of 5 MiB: the contract's 20 MB object goes up as a 4-part multipart upload.
  const storage = storageFor({ uploadPartSize: 5 * MiB });
  return { storage, cleanup: () => storage.close() };
});

void describe("S3", () => {
  void it("describes itself and round-trips its config, secrets masked unless asked for", () => {
    const storage = new S3({
      bucketPath: "s3://results/dev/flows/",
      awsAccessKeyId: "AKIDEXAMPLE",
      awsSecretAccessKey: "wJalrXUtnFEMI/K7MDENG",
      awsSessionToken: "session-token-value",
      endpointUrl: "http://127.0.0.1:9000/",
      region: "eu-west-1",
    });
    assert.equal(S3.blockTypeSlug, "s3");
    assert.equal(storage.blockTypeSlug, "s3");
    assert.deepEqual(S3.secretFields, ["awsSecretAccessKey", "awsSessionToken"]);
    assert.equal(storage.bucket, "results");
    assert.equal(storage.prefix, "dev/flows");
    assert.equal(storage.describe(), "s3://results/dev/flows (endpoint http://127.0.0.1:9000)");
    assert.equal(storage.objectKey("a/b.json"), "dev/flows/a/b.json");
    const masked = {
      bucketPath: "results/dev/flows",
      awsAccessKeyId: "AKIDEXAMPLE",
      awsSecretAccessKey: "********",
      awsSessionToken: "********",
      endpointUrl: "http://127.0.0.1:9000",
      region: "eu-west-1",
      uploadPartSize: 8 * MiB,
    };
    assert.deepEqual(storage.toConfig(), masked);
    const full = storage.toConfig({ includeSecrets: true });
    assert.deepEqual(full, { ...masked, awsSecretAccessKey: "wJalrXUtnFEMI/K7MDENG", awsSessionToken: "session-token-value" });
    assert.deepEqual(S3.fromConfig(full).toConfig({ includeSecrets: true }), full);
    assert.throws(
      () => S3.fromConfig(masked),
      (err: unknown) => isCairnError(err, "CONFIGURATION_ERROR") && /includeSecrets/.test(err.message),
    );
    assert.equal(new S3({ bucketPath: "b-1" }).describe(), "s3://b-1 (AWS S3)");
    assert.equal(new S3({ bucketPath: "b-1", region: "us-west-2" }).describe(), "s3://b-1 (AWS S3, region us-west-2)");
    assert.deepEqual(new S3({ bucketPath: "b-1" }).toConfig(), { bucketPath: "b-1", uploadPartSize: 8 * MiB });
  });

  void it("never shows the secret key or session token", () => {
    const secret = "super-SECRET-key-0123456789";
    const token = "session-TOKEN-0123456789";
    for (const storage of [
      new S3({ bucketPath: "b-1/p", awsAccessKeyId: "AKID", awsSecretAccessKey: secret, awsSessionToken: token }),
      new S3({ bucketPath: "b-1/p", awsAccessKeyId: "AKID", awsSecretAccessKey: new SecretStr(secret), awsSessionToken: new SecretStr(token) }),
    ]) {
      assert.ok(storage.awsSecretAccessKey instanceof SecretStr);
      assert.equal(storage.awsSecretAccessKey.getSecretValue(), secret);
      const shown = [
        storage.describe(),
        String(storage),
        `${storage}`,
        JSON.stringify(storage),
        JSON.stringify({ storage }),
        inspect(storage),
        inspect(storage, { depth: 10, showHidden: true }),
        inspect({ nested: storage }),
        JSON.stringify(storage.toConfig()),
        String(storage.awsSecretAccessKey),
        `${storage.awsSecretAccessKey}`,
        JSON.stringify(storage.awsSecretAccessKey),
        inspect(storage.awsSecretAccessKey),
      ];
      for (const text of shown) {
        assert.ok(!text.includes(secret) && !text.includes(token), `a secret is shown: ${text}`);
      }
      assert.match(inspect(storage), /\*\*\*\*\*\*\*\*/);
    }
  });

  void it("refuses bad options where they are given", () => {
    const bad: [Partial<S3Options>, RegExp][] = [
      [{}, /bucketPath is required/],
      [{ bucketPath: "" }, /bucketPath is required/],
      [{ bucketPath: "x" }, /3 to 63/],
      [{ bucketPath: "Bad Bucket/p" }, /valid name/],
      [{ bucketPath: "bucket/a/../b" }, /invalid prefix/],
      [{ bucketPath: "bucket//b" }, /invalid prefix/],
      [{ bucketPath: "bucket", awsAccessKeyId: "AKID" }, /go together/],
      [{ bucketPath: "bucket", awsSecretAccessKey: "s3cr3t-value" }, /go together/],
      [{ bucketPath: "bucket", awsSessionToken: "token-value" }, /needs awsAccessKeyId/],
      [{ bucketPath: "bucket", awsAccessKeyId: "AKID", awsSecretAccessKey: "" }, /non-empty/],
      [{ bucketPath: "bucket", endpointUrl: "localhost:9000" }, /http:\/\/ or https:\/\//],
      [{ bucketPath: "bucket", endpointUrl: "ftp://host" }, /http:\/\/ or https:\/\//],
      [{ bucketPath: "bucket", endpointUrl: "http://user:pw-secret@host:9000" }, /must not hold credentials/],
      [{ bucketPath: "bucket", region: "eu west" }, /region/],
      [{ bucketPath: "bucket", uploadPartSize: 1024 }, /at least 5242880/],
    ];
    for (const [options, pattern] of bad) {
      assert.throws(
        () => new S3(options as S3Options),
        (err: unknown) => {
          assert.ok(isCairnError(err, "CONFIGURATION_ERROR"), String(err));
          assert.match(err.message, pattern);
          assert.ok(!err.message.includes("s3cr3t-value") && !err.message.includes("pw-secret"), err.message);
          return true;
        },
        JSON.stringify(options),
      );
    }
  });

  void it("uses path-style addressing and checksums only when required for an S3-compatible endpoint", () => {
    const compatible = s3ClientConfig({ endpointUrl: "http://127.0.0.1:9000" });
    assert.equal(compatible.forcePathStyle, true);
    assert.equal(compatible.requestChecksumCalculation, "WHEN_REQUIRED");
    assert.equal(compatible.responseChecksumValidation, "WHEN_REQUIRED");
    assert.equal(compatible.region, "us-east-1");
    assert.equal(s3ClientConfig({ endpointUrl: "http://127.0.0.1:9000", region: "eu-west-3" }).region, "eu-west-3");
    const aws = s3ClientConfig({ region: "eu-west-1" });
    assert.equal(aws.endpoint, undefined);
    assert.equal(aws.forcePathStyle, undefined);
    assert.equal(aws.requestChecksumCalculation, undefined, "AWS keeps the SDK's default integrity checks");
    assert.equal(aws.credentials, undefined, "no keys: the default credential chain");
  });

  void it("creates no client and sends nothing until used", async () => {
    const [port] = await freePorts(1);
    // Nothing listens on that port: constructing, describing and validating keys still work.
    const storage = new S3({ bucketPath: "bucket/p", endpointUrl: `http://127.0.0.1:${port}`, awsAccessKeyId: "a", awsSecretAccessKey: "b" });
    assert.equal(storage.objectKey("k"), "p/k");
    await rejectsWith(storage.readPath("../k"), StorageErrorCode.InvalidKey, [/'\.\.' segment/]);
  });

  void it("stores the exact bytes, as read back by a separate client and by plain HTTP", async () => {
    const storage = storageFor({ uploadPartSize: 5 * MiB });
    const big = randomBytes(20 * 1024 * 1024);
    const small = randomBytes(1000);
    await storage.writePath("exact/big.bin", big);
    await storage.writePath("exact/small.bin", small);
    const client = plainClient();
    try {
      for (const [key, expected] of [["exact/big.bin", big], ["exact/small.bin", small]] as const) {
        const objectKey = storage.objectKey(key);
        const viaSdk = await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: objectKey }));
        const sdkBytes = Buffer.from(await viaSdk.Body!.transformToByteArray());
        assert.equal(sdkBytes.byteLength, expected.byteLength, key);
        assert.ok(sdkBytes.equals(expected), `${key}: bytes differ through the SDK`);
        const raw = await fetch(server.rawObjectUrl(server.bucket, objectKey));
        assert.equal(raw.status, 200);
        const rawBytes = Buffer.from(await raw.arrayBuffer());
        assert.equal(rawBytes.byteLength, expected.byteLength, `${key}: stored size (aws-chunked framing would add bytes)`);
        assert.ok(rawBytes.equals(expected), `${key}: stored bytes differ`);
      }
    } finally {
      client.destroy();
      await storage.close();
    }
  });

  void it("uploads results larger than uploadPartSize in several parts", async () => {
    const storage = storageFor({ uploadPartSize: 5 * MiB });
    const client = plainClient();
    try {
      await storage.writePath("parts/20mb.bin", randomBytes(20 * 1024 * 1024));
      await storage.writePath("parts/5mb.bin", randomBytes(5 * MiB));
      const etag = async (key: string) =>
        (await client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: storage.objectKey(key) }))).ETag ?? "";
      // A multipart object's ETag ends with "-<number of parts>".
      assert.match(await etag("parts/20mb.bin"), /-4"?$/);
      assert.doesNotMatch(await etag("parts/5mb.bin"), /-\d+"?$/);
    } finally {
      client.destroy();
      await storage.close();
    }
  });

  void it("keeps keys under the prefix, and works without a prefix", async () => {
    const prefixed = storageFor();
    const root = new S3({ bucketPath: server.bucket, endpointUrl: server.endpoint, ...server.adminKeys });
    try {
      await prefixed.writePath("k.json", bytesOf("under the prefix"));
      assert.equal(new TextDecoder().decode(await root.readPath(`${prefixed.prefix}/k.json`)), "under the prefix");
      assert.equal(await root.exists("k.json"), false);
      const listed = [];
      for await (const info of root.listPaths(`${prefixed.prefix}/`)) listed.push(info.path);
      assert.deepEqual(listed, [`${prefixed.prefix}/k.json`]);
    } finally {
      await prefixed.close();
      await root.close();
    }
  });

  void it("says to create the bucket when it does not exist", async () => {
    const storage = new S3({ bucketPath: "no-such-bucket/p", endpointUrl: server.endpoint, ...server.adminKeys });
    const patterns = [/bucket "no-such-bucket" does not exist/, /Create the bucket/, /bucketPath "no-such-bucket\/p"/, /s3:\/\/no-such-bucket\/p/];
    try {
      await rejectsWith(storage.readPath("k"), StorageErrorCode.BucketNotFound, [...patterns, /read key "k"/]);
      await rejectsWith(storage.writePath("k", bytesOf("x")), StorageErrorCode.BucketNotFound, [...patterns, /write key "k"/]);
      await rejectsWith(storage.exists("k"), StorageErrorCode.BucketNotFound, patterns);
      await rejectsWith(storage.deletePath("k"), StorageErrorCode.BucketNotFound, patterns);
      const list = async () => {
        for await (const _ of storage.listPaths()) void _;
      };
      await rejectsWith(list(), StorageErrorCode.BucketNotFound, patterns);
    } finally {
      await storage.close();
    }
  });

  void it("says which setting to check when the access key id is unknown", async () => {
    const secret = server.adminKeys.awsSecretAccessKey;
    const storage = storageFor({ awsAccessKeyId: "AKIDUNKNOWN0000", awsSecretAccessKey: secret });
    try {
      for (const call of [() => storage.readPath("k"), () => storage.writePath("k", bytesOf("x")), () => storage.exists("k")]) {
        await rejectsWith(call(), StorageErrorCode.AuthenticationFailed, [/access key id/, /awsAccessKeyId/], [secret]);
      }
    } finally {
      await storage.close();
    }
  });

  void it("says to check the secret key when it is wrong, without showing it", async () => {
    const wrong = "wrong-secret-" + randomBytes(8).toString("hex");
    const storage = storageFor({ awsAccessKeyId: server.adminKeys.awsAccessKeyId, awsSecretAccessKey: wrong });
    try {
      const calls = [() => storage.readPath("k"), () => storage.writePath("k", bytesOf("x")), () => storage.exists("k"), () => storage.deletePath("k")];
      for (const call of calls) {
        await rejectsWith(
          call(),
          StorageErrorCode.AuthenticationFailed,
          [/SignatureDoesNotMatch/, /awsSecretAccessKey \(not shown here\)/],
          [wrong, server.adminKeys.awsSecretAccessKey],
        );
      }
    } finally {
      await storage.close();
    }
  });

  void it("reports access denied with the permission needed", async () => {
    const writer = storageFor();
    const reader = new S3({ bucketPath: writer.bucketPath, endpointUrl: server.endpoint, ...server.readOnlyKeys });
    try {
      await writer.writePath("r.json", bytesOf("readable"));
      assert.equal(new TextDecoder().decode(await reader.readPath("r.json")), "readable");
      await rejectsWith(
        reader.writePath("w.json", bytesOf("x")),
        StorageErrorCode.PermissionDenied,
        [/Access denied: cannot write key "w.json"/, /s3:PutObject/, /other credentials/],
        [server.readOnlyKeys.awsSecretAccessKey],
      );
      await rejectsWith(reader.deletePath("r.json"), StorageErrorCode.PermissionDenied, [/s3:DeleteObject/]);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  void it("names the endpoint when it cannot be reached", async () => {
    const [port] = await freePorts(1);
    const endpointUrl = `http://127.0.0.1:${port}`;
    const storage = new S3({ bucketPath: "bucket/p", endpointUrl, ...server.adminKeys });
    try {
      const patterns = [new RegExp(`Cannot reach the S3 endpoint ${endpointUrl}`), /ECONNREFUSED/, /endpointUrl/];
      await rejectsWith(storage.readPath("k"), StorageErrorCode.Unreachable, patterns);
      await rejectsWith(storage.writePath("k", bytesOf("x")), StorageErrorCode.Unreachable, patterns);
    } finally {
      await storage.close();
    }
  });

  void it("uses the AWS default credential chain when no keys are given", async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = server.adminKeys.awsAccessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = server.adminKeys.awsSecretAccessKey;
    const storage = new S3({ bucketPath: `${server.bucket}/case-${counter++}`, endpointUrl: server.endpoint });
    try {
      assert.equal(storage.toConfig().awsAccessKeyId, undefined);
      await storage.writePath("from-env.json", bytesOf("ok"));
      assert.equal(new TextDecoder().decode(await storage.readPath("from-env.json")), "ok");
    } finally {
      await storage.close();
      for (const [name, value] of [["AWS_ACCESS_KEY_ID", saved.id], ["AWS_SECRET_ACCESS_KEY", saved.secret]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  void it("names the missing object's location", async () => {
    const storage = storageFor();
    try {
      await rejectsWith(storage.readPath("gone.json"), StorageErrorCode.NotFound, [
        new RegExp(`no object s3://${server.bucket}/${storage.prefix}/gone.json`),
        /pruned/,
      ]);
    } finally {
      await storage.close();
    }
  });
});

void describe("S3: streamed results (openWriter / openReader)", () => {
  /** Objects and unfinished multipart uploads under a storage's prefix, seen by a second client. */
  async function leftovers(storage: S3): Promise<{ objects: string[]; uploads: string[] }> {
    const client = plainClient();
    try {
      const prefix = `${storage.prefix}/`;
      const listed = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix }));
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: prefix }));
      return {
        objects: (listed.Contents ?? []).map((o) => o.Key ?? ""),
        uploads: (uploads.Uploads ?? []).map((u) => u.Key ?? ""),
      };
    } finally {
      client.destroy();
    }
  }

  void it("a large result goes up framed as a multipart upload and reads back; the stored bytes are the head line and the msgpack bytes", async () => {
    const storage = storageFor({ uploadPartSize: 5 * MiB });
    const { engine, cleanup } = createTestEngine();
    try {
      const value = { samples: new Float64Array(1_600_000).map((_, i) => Math.cos(i)), label: "twelve megabytes" };
      const big = task({ persistResult: true, resultStorage: storage, cacheResultInMemory: false, name: "s3-big" }, () => value);
      const ref = (await engine.run(() => big.returnState())).data as PersistedResult;
      const raw = await fetch(server.rawObjectUrl(server.bucket, storage.objectKey(ref.storageKey)));
      assert.equal(raw.status, 200);
      const stored = Buffer.from(await raw.arrayBuffer());
      const newline = stored.indexOf(0x0a);
      const head = JSON.parse(stored.toString("utf8", 0, newline)) as { layout: string; integrity: string };
      assert.equal(head.layout, "framed");
      assert.equal(head.integrity, ref.integrity);
      const msgpack = Buffer.from(await new MsgpackSerializer().dumpsBytes(value));
      assert.ok(stored.subarray(newline + 1).equals(msgpack), "raw bytes stored exactly, no aws-chunked framing, no base64");
      const client = plainClient();
      try {
        const etag = (await client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: storage.objectKey(ref.storageKey) }))).ETag ?? "";
        assert.match(etag, /-3"$/, "a 3-part multipart upload (5 MiB parts)");
      } finally {
        client.destroy();
      }
      assert.deepEqual(await ref.get(), value);
      assert.deepEqual(await leftovers(storage), { objects: [storage.objectKey(ref.storageKey)], uploads: [] });
    } finally {
      await cleanup();
      await storage.close();
    }
  });

  void it("a write that fails mid-stream aborts its multipart upload: no object, no unfinished upload left", async () => {
    const storage = storageFor({ uploadPartSize: 5 * MiB });
    const { engine, cleanup } = createTestEngine();
    try {
      // A fault-injecting wrapper (named as such): the real S3 writer, whose second write
      // (the head line, after the data parts are up) fails like a dropped connection.
      const failing = Object.assign(Object.create(storage) as S3, {
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
      });
      const big = task({ persistResult: true, resultStorage: failing, name: "s3-fails" }, () => ({ blob: new Uint8Array(16 * MiB).fill(3) }));
      const state = await engine.run(() => big.returnState());
      assert.equal(state.type, "FAILED");
      assert.match(state.message ?? "", /connection reset while sending the head/);
      assert.deepEqual(await leftovers(storage), { objects: [], uploads: [] });
    } finally {
      await cleanup();
      await storage.close();
    }
  });

  void it("a commit with bytes never written fails, naming key and storage, and leaves nothing", async () => {
    const storage = storageFor({ uploadPartSize: 5 * MiB });
    try {
      const writer = await storage.openWriter("holes/a.bin");
      await writer.write(randomBytes(6 * MiB), 11 * MiB); // parts 3 and 4; parts 1 and 2 never written
      await writer.write(randomBytes(5 * MiB), 0); // part 1, uploaded
      await rejectsWith(writer.commit(), StorageErrorCode.Io, [/holes\/a\.bin/, /s3:\/\//]);
      assert.deepEqual(await leftovers(storage), { objects: [], uploads: [] });
    } finally {
      await storage.close();
    }
  });
});

void describe("SecretStr", () => {
  void it("shows its value only through getSecretValue", () => {
    const secret = new SecretStr("hunter2-value");
    assert.equal(secret.getSecretValue(), "hunter2-value");
    for (const shown of [String(secret), `${secret}`, "" + secret, JSON.stringify({ secret }), inspect(secret), inspect([secret])]) {
      assert.ok(!shown.includes("hunter2"), shown);
      assert.match(shown, /\*\*\*\*\*\*\*\*/);
    }
    assert.equal(SecretStr.from(secret), secret);
    assert.equal(SecretStr.from(undefined), undefined);
    assert.equal(SecretStr.from("x").getSecretValue(), "x");
    assert.throws(() => new SecretStr(42 as unknown as string), TypeError);
  });

  void it("redacts secret values from text", () => {
    const text = "the key abcd1234 was refused; abcd1234 again";
    assert.equal(SecretStr.redact(text, [new SecretStr("abcd1234"), undefined]), "the key ******** was refused; ******** again");
    assert.equal(SecretStr.redact("a b c", [new SecretStr("b")]), "a b c", "values too short to be secrets are left alone");
  });
});
