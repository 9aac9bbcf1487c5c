// `cairn server start|database upgrade|database reset`.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CAIRN_MIGRATIONS } from "../../src/database/migrations/migration-provider.js";
import { runCli } from "../../src/cli/main.js";
import { SecretKeySource } from "../../src/blocks/secrets/secret-key-source.js";
import { openMetadataService } from "../../src/database/service/open-metadata-service.js";
import { HttpClient } from "../../src/client/http/http-client.js";
import { startServer } from "../../src/server/start-server.js";
import { loadSettings } from "../../src/settings/index.js";
import { makeFlowRun } from "../client/fixtures/records.js";

let home: string;
before(() => {
  home = mkdtempSync(join(tmpdir(), "cairn-server-cli-"));
});
after(() => {
  rmSync(home, { recursive: true, force: true });
});

describe("cairn server start", () => {
  test("serves the API, and on SIGTERM finishes the requests in flight before it stops", async () => {
    const key = "cli-key-123";
    const child = spawn(process.execPath, ["--import", "tsx", "test/server/fixtures/cli.ts", "server", "start", "--port", "0"], {
      env: { ...process.env, CAIRN_HOME: home, CAIRN_SERVER_API_KEY: key, CAIRN_PROFILE: undefined, CAIRN_API_DATABASE_URL: undefined },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (c: Buffer) => {
          stdout += c.toString();
          const match = /listening on (http:\/\/\S+)[^]*Clients:.*\n/.exec(stdout);
          if (match !== null) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      assert.match(stdout, /API key:\s+required/);
      assert.match(stdout, new RegExp(`Clients:\\s+CAIRN_API_URL=${url}/api`));
      assert.match(stdout, /Database:\s+SQLite at .*cairn\.db/);
      assert.equal((await fetch(`${url}/api/health`)).status, 200);
      assert.equal((await fetch(`${url}/api/flow-runs`)).status, 401);

      // A request in flight: part of its body is sent, then the server is told to stop.
      const run = makeFlowRun();
      const payload = Buffer.from(JSON.stringify({ batchId: randomUUID(), flowRuns: [run] }));
      const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${url}/api/writes`, {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": payload.length, authorization: `Bearer ${key}` },
        });
        req.on("response", (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.write(payload.subarray(0, 10));
        setTimeout(() => {
          child.kill("SIGTERM");
          setTimeout(() => req.end(payload.subarray(10)), 300);
        }, 100);
      });
      assert.equal(response.status, 200, response.body);
      assert.deepEqual(JSON.parse(response.body), { applied: true, refused: 0, errors: [] });
      assert.equal(await exited, 0, stderr);
      assert.match(stdout, /Received SIGTERM: finishing the requests in flight, then stopping\.\nCairn server stopped\./);

      // The write is in the database, which was closed cleanly.
      const service = await openMetadataService({
        databaseUrl: `sqlite:///${join(home, "cairn.db")}`,
        secretKey: new SecretKeySource({ file: join(home, "secret.key") }),
      });
      try {
        assert.equal((await service.readFlowRun(run.id))?.id, run.id);
      } finally {
        await service.close();
      }
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  test("refuses a bad port", async () => {
    const { code, stderr } = await runCli(["server", "start", "--port", "99999"], { env: { CAIRN_HOME: home } });
    assert.equal(code, 2);
    assert.match(stderr, /expected a port number between 0 and 65535/);
  });
});

describe("cairn server database", () => {
  test("upgrade applies pending migrations, then has nothing to do", async () => {
    const env = { CAIRN_HOME: home, CAIRN_API_DATABASE_URL: join(home, "upgrade.db") };
    const first = await runCli(["server", "database", "upgrade"], { env });
    assert.equal(first.code, 0, first.stderr);
    const names = Object.keys(CAIRN_MIGRATIONS).sort();
    assert.equal(first.stdout.trim(), `Applied ${names.length} migration(s) to SQLite at ${env.CAIRN_API_DATABASE_URL}: ${names.join(", ")}.`);
    const second = await runCli(["server", "database", "upgrade"], { env });
    assert.match(second.stdout, /The database is up to date/);
  });

  test("reset asks first (no answer: nothing deleted); --yes empties every table", async () => {
    const path = join(home, "reset.db");
    const secretKey = new SecretKeySource({ file: join(home, "secret.key") });
    const service = await openMetadataService({ databaseUrl: `sqlite:///${path}`, secretKey });
    const run = makeFlowRun();
    await service.writeBatch({ flowRuns: [run], taskRuns: [], states: [], logs: [] });
    await service.close();
    const env = { CAIRN_HOME: home, CAIRN_API_DATABASE_URL: path };

    const refused = await runCli(["server", "database", "reset"], { env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Reset cancelled: nothing was deleted\. Pass --yes/);
    const reset = await runCli(["server", "database", "reset", "--yes"], { env });
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /every table is empty again/);

    const reopened = await openMetadataService({ databaseUrl: `sqlite:///${path}`, secretKey });
    try {
      assert.deepEqual(await reopened.readFlowRuns(), []);
    } finally {
      await reopened.close();
    }
  });
});

describe("the CLI in client mode (CAIRN_API_URL)", () => {
  test("cairn flow-run ls|inspect read from the server, with the key, and write nothing locally", async () => {
    const serverHome = join(home, "server-home");
    const server = await startServer({
      settings: loadSettings({ env: { CAIRN_HOME: serverHome, CAIRN_SERVER_API_KEY: "k-1" } }),
      port: 0,
      log: () => undefined,
    });
    try {
      const client = new HttpClient({ url: server.apiUrl, apiKey: "k-1" });
      const run = makeFlowRun({ flowName: "served-flow", stateType: "COMPLETED", stateName: "Completed" });
      client.recordFlowRun(run);
      await client.close();

      const clientHome = join(home, "client-home");
      const env = { CAIRN_HOME: clientHome, CAIRN_API_URL: server.apiUrl, CAIRN_API_KEY: "k-1" };
      const ls = await runCli(["flow-run", "ls"], { env });
      assert.equal(ls.code, 0, ls.stderr);
      assert.match(ls.stdout, /served-flow/);
      const inspect = await runCli(["flow-run", "inspect", run.id.slice(0, 8), "--json"], { env });
      assert.equal(JSON.parse(inspect.stdout).flowRun.id, run.id);
      assert.equal(existsSync(join(clientHome, "cairn.db")), false);

      const unauthorized = await runCli(["flow-run", "ls"], { env: { ...env, CAIRN_API_KEY: "wrong" } });
      assert.equal(unauthorized.code, 1);
      assert.match(unauthorized.stderr, /the API key is missing or wrong\. Set CAIRN_API_KEY/);
    } finally {
      await server.close();
    }
  });
});
