// `cairn block rotate-key` against PostgreSQL (CAIRN_API_DATABASE_URL) and through the
// server (CAIRN_API_URL: the server holds the key, the client sends none), with the errors
// of an unreachable or unauthorized server.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { SecretKey } from "../../src/blocks/secrets/secret-key.js";
import { runCli, type CliRun } from "../../src/cli/main.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { loadSettings } from "../../src/settings/index.js";
import { createTestDatabase, dropTestDatabase } from "../../src/testing/backends/postgres-test-database.js";
import { testPostgresUrl } from "../../src/testing/index.js";

const SECRET = "rotate-CANARY-5e1f0c";

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), "cairn-rotate-"));
});
after(() => {
  rmSync(root, { recursive: true, force: true });
});

function cli(env: Record<string, string | undefined>, ...args: string[]): Promise<CliRun> {
  return runCli(args, { env: { NO_COLOR: "1", SECRET_FOR_TEST: SECRET, ...env }, cwd: root });
}

async function ok(env: Record<string, string | undefined>, ...args: string[]): Promise<string> {
  const run = await cli(env, ...args);
  assert.equal(run.code, 0, `cairn ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

const fingerprintOf = (file: string) => SecretKey.fromBase64(readFileSync(file, "utf8"), file).fingerprint;
const saveBlock = (env: Record<string, string | undefined>, name: string) =>
  ok(env, "block", "create", "s3", name, "--field", "bucketPath=bucket/rot", "--field", "awsAccessKeyId=AKIATEST", "--field-from-env", "awsSecretAccessKey=SECRET_FOR_TEST");

describe("cairn block rotate-key on PostgreSQL (CAIRN_API_DATABASE_URL)", () => {
  let url: string;
  before(async () => {
    url = await createTestDatabase(testPostgresUrl());
  });
  after(async () => {
    await dropTestDatabase(testPostgresUrl(), url);
  });

  /** The key ids the documents' secrets are sealed with, read from PostgreSQL itself. */
  async function sealedWith(): Promise<string[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ secrets: string }>("select secrets from block_document where secrets is not null order by name");
      return rows.map((r) => (JSON.parse(r.secrets) as { kid: string }).kid);
    } finally {
      await client.end();
    }
  }

  test("with the key file: re-encrypts every document in PostgreSQL and installs the new key", async () => {
    const home = join(root, "pg-home");
    const env = { CAIRN_HOME: home, CAIRN_API_DATABASE_URL: url };
    await saveBlock(env, "one");
    await saveBlock(env, "two");
    const keyFile = join(home, "secret.key");
    const before = fingerprintOf(keyFile);
    assert.deepEqual(await sealedWith(), [before, before]);

    const out = await ok(env, "block", "rotate-key");
    assert.match(out, new RegExp(`^Re-encrypted the secrets of 2 block\\(s\\): key ${before} -> ([0-9a-f]{16})\\.\\nThe new key is in ${keyFile.replace(/[.]/g, "\\.")}; the old one was kept in .*secret\\.key\\.old\\.`));
    const after = fingerprintOf(keyFile);
    assert.notEqual(after, before);
    assert.equal(fingerprintOf(`${keyFile}.old`), before);
    assert.deepEqual(await sealedWith(), [after, after]);
    assert.match(await ok(env, "block", "inspect", "s3/two", "--show-secrets"), new RegExp(`awsSecretAccessKey\\s+${SECRET}`));
  });

  test("with CAIRN_SECRET_KEY: --new-key-file re-encrypts, and the old key no longer opens them", async () => {
    const home = join(root, "pg-env-home");
    const current = SecretKey.generate();
    const env = { CAIRN_HOME: home, CAIRN_API_DATABASE_URL: url, CAIRN_SECRET_KEY: current.toBase64() };
    // Documents of the previous test are under the key file's key: rotate them to this key first.
    writeFileSync(join(root, "current.key"), current.toBase64());
    await ok({ CAIRN_HOME: join(root, "pg-home"), CAIRN_API_DATABASE_URL: url }, "block", "rotate-key", "--new-key-file", join(root, "current.key"));
    assert.deepEqual(await sealedWith(), [current.fingerprint, current.fingerprint]);

    const refused = await cli(env, "block", "rotate-key");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /comes from CAIRN_SECRET_KEY.*--new-key-file/);
    const next = SecretKey.generate();
    writeFileSync(join(root, "next.key"), next.toBase64());
    assert.match(await ok(env, "block", "rotate-key", "--new-key-file", join(root, "next.key")), /Now set CAIRN_SECRET_KEY to the new key/);
    assert.deepEqual(await sealedWith(), [next.fingerprint, next.fingerprint]);
    assert.match(await ok({ ...env, CAIRN_SECRET_KEY: next.toBase64() }, "block", "inspect", "s3/one", "--show-secrets"), new RegExp(SECRET));
    const stale = await cli(env, "block", "inspect", "s3/one", "--show-secrets");
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /the secret key changed/);
  });
});

describe("cairn block rotate-key through the server (CAIRN_API_URL)", () => {
  const apiKey = "rotate-server-key-42";
  let serverHome: string;
  let clientHome: string;
  let server: RunningServer;
  const serverSettings = () =>
    loadSettings({ env: { CAIRN_HOME: serverHome, CAIRN_SERVER_API_KEY: apiKey, CAIRN_LOGGING_TO_CONSOLE: "false" } });
  const clientEnv = () => ({ CAIRN_HOME: clientHome, CAIRN_API_URL: server.apiUrl, CAIRN_API_KEY: apiKey });

  before(async () => {
    serverHome = join(root, "server-home");
    clientHome = join(root, "client-home");
    server = await startServer({ settings: serverSettings(), port: 0, log: () => undefined });
  });
  after(async () => {
    await server.close();
  });

  test("the server generates and installs the new key; the client sends and stores no key material", async () => {
    await saveBlock(clientEnv(), "served");
    const keyFile = join(serverHome, "secret.key");
    const before = fingerprintOf(keyFile);

    const out = await ok(clientEnv(), "block", "rotate-key");
    const after = fingerprintOf(keyFile);
    assert.notEqual(after, before);
    assert.equal(fingerprintOf(`${keyFile}.old`), before);
    assert.equal(
      out,
      `The server at ${server.apiUrl} re-encrypted the secrets of 1 block(s): key ${before} -> ${after}.\n` +
        `On the server's machine the new key is in ${keyFile}; the old one was kept in ${keyFile}.old.\n` +
        "Other processes that read this server's database directly must use the new key (copy the key file, or set CAIRN_SECRET_KEY).\n",
    );
    assert.ok(!existsSync(join(clientHome, "secret.key")), "the client never holds a key");
    assert.doesNotMatch(out, new RegExp(SecretKey.fromBase64(readFileSync(keyFile, "utf8"), "k").toBase64().replace(/[+/=]/g, ".")));

    // The running server uses the new key at once, and a restarted one reads the secrets with it.
    assert.match(await ok(clientEnv(), "block", "inspect", "s3/served", "--show-secrets"), new RegExp(SECRET));
    const port = server.port;
    await server.close();
    server = await startServer({ settings: serverSettings(), port, log: () => undefined });
    assert.match(await ok(clientEnv(), "block", "inspect", "s3/served", "--show-secrets"), new RegExp(SECRET));
    // New saves go under the new key.
    await saveBlock(clientEnv(), "after-rotation");
    assert.match(await ok(clientEnv(), "block", "inspect", "s3/after-rotation", "--show-secrets"), new RegExp(SECRET));
  });

  test("a wrong API key is refused with an error naming CAIRN_API_KEY, and nothing changes", async () => {
    const keyFile = join(serverHome, "secret.key");
    const before = fingerprintOf(keyFile);
    const run = await cli({ ...clientEnv(), CAIRN_API_KEY: "not-the-key" }, "block", "rotate-key");
    assert.equal(run.code, 1);
    assert.match(run.stderr, /refused the request: the API key is missing or wrong\. Set CAIRN_API_KEY to the key the server was started with/);
    const missing = await cli({ ...clientEnv(), CAIRN_API_KEY: undefined }, "block", "rotate-key");
    assert.match(missing.stderr, /the API key is missing or wrong/);
    assert.equal(fingerprintOf(keyFile), before);
  });

  test("an unreachable server is a clear error, within seconds", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const started = Date.now();
    const run = await cli({ CAIRN_HOME: clientHome, CAIRN_API_URL: `http://127.0.0.1:${port}/api` }, "block", "rotate-key");
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`Could not reach the Cairn server at http://127\\.0\\.0\\.1:${port} .*Check that \`cairn server start\` is running there`));
    assert.ok(Date.now() - started < 20_000);
  });

  test("--new-key-file is refused with CAIRN_API_URL: no key material goes over the API", async () => {
    writeFileSync(join(root, "unsent.key"), SecretKey.generate().toBase64());
    const run = await cli(clientEnv(), "block", "rotate-key", "--new-key-file", join(root, "unsent.key"));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--new-key-file cannot be used with CAIRN_API_URL .*the server holds the secret key/);
  });
});
