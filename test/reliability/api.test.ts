// The API suite: hostile input gets a clear JSON error, never a 5xx, and every response
// conforms to the OpenAPI document. Schemathesis (4.32.5, all checks) runs against a real
// `cairn server start` with a fresh CAIRN_HOME: once without an API key (SQLite), once
// with one (PostgreSQL, a fresh cairn_test_* database; the key sent as the Authorization
// header). Then hand-written oversized, malformed and path-traversal requests.
// npm test: few examples per operation; npm run reliability: Schemathesis' full default.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createTestDatabase, dropTestDatabase } from "../../src/testing/backends/postgres-test-database.js";
import { testPostgresUrl } from "../../src/testing/index.js";
import { startCairnServer, type CairnServerProcess } from "./support/cairn-server-process.js";
import { RELIABILITY_FULL, RELIABILITY_SEED, reliabilityN } from "./support/scale.js";

const API_KEY = "reliability-api-key-7f3c";
const CONFIG = join(process.cwd(), "test/reliability/support/schemathesis.toml");
/** Examples per operation and phase: Schemathesis' default (100) in full, a handful in npm test. */
const EXAMPLES = reliabilityN(100, 4);
/** The coverage phase is the slowest and does not depend on the number of examples: full runs only. */
const PHASES = RELIABILITY_FULL ? "examples,coverage,fuzzing,stateful" : "examples,fuzzing,stateful";

let home: string;
let open: CairnServerProcess;
let keyed: CairnServerProcess;
let pgUrl: string;

before(async () => {
  home = mkdtempSync(join(tmpdir(), "cairn-api-suite-"));
  pgUrl = await createTestDatabase(testPostgresUrl());
  [open, keyed] = await Promise.all([
    startCairnServer({ CAIRN_HOME: join(home, "open") }),
    startCairnServer({ CAIRN_HOME: join(home, "keyed"), CAIRN_SERVER_API_KEY: API_KEY, CAIRN_API_DATABASE_URL: pgUrl }),
  ]);
});
after(async () => {
  await Promise.all([open?.stop(), keyed?.stop()]);
  if (pgUrl !== undefined) await dropTestDatabase(testPostgresUrl(), pgUrl);
  rmSync(home, { recursive: true, force: true });
});

interface SchemathesisRun {
  code: number | null;
  output: string;
  /** "N generated, ..." from the summary. */
  cases: number;
}

function schemathesis(server: CairnServerProcess, extra: string[]): Promise<SchemathesisRun> {
  const args = [
    "--config-file", CONFIG, "run", `${server.url}/api/openapi.json`,
    "--checks", "all", "--phases", PHASES, "--max-examples", String(EXAMPLES), "--seed", String(RELIABILITY_SEED),
    "--generation-database", "none", "--no-color", "--workers", "1", "--request-timeout", "30",
    ...extra,
  ];
  const child = spawn("schemathesis", args, { cwd: home, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", (err) =>
      reject(new Error(`could not run schemathesis (${err.message}): python3 -m pip install schemathesis==4.32.5`)),
    );
    child.once("exit", (code) => resolve({ code, output: shorten(output), cases: Number(/(\d+) generated/.exec(output)?.[1] ?? 0) }));
  });
}

/** Schemathesis' report without its long lines (a tool error can print whole source files): what a failure message needs. */
function shorten(output: string): string {
  const lines = output.split("\n").map((line) => (line.length > 400 ? `${line.slice(0, 400)} ...` : line));
  const failures = lines.findIndex((line) => /={5,} FAILURES/.test(line));
  return lines.slice(Math.max(0, failures), failures < 0 ? undefined : failures + 400).join("\n");
}

/** A raw HTTP/1.1 exchange (for requests fetch will not send); resolves with the status and body. */
function rawRequest(port: number, request: Buffer | string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", ...rest] = text.split("\r\n\r\n");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: rest.join("\r\n\r\n") });
    });
    // Written, not ended: a client that half-closes its socket gets no answer from Node's server.
    socket.write(request);
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

/** Asserts a JSON error body with a code and a message, and returns it. */
function jsonError(body: string, where: string): { code: string; message: string } {
  let parsed: { error?: { code?: unknown; message?: unknown } };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    assert.fail(`${where}: the answer is not JSON: ${body.slice(0, 200)}`);
  }
  assert.equal(typeof parsed.error?.code, "string", where);
  assert.equal(typeof parsed.error?.message, "string", where);
  return parsed.error as { code: string; message: string };
}

describe("API suite: Schemathesis against cairn server start", () => {
  test("without an API key (SQLite): no 5xx, every response conforms to its schema", async () => {
    const run = await schemathesis(open, []);
    console.log(`schemathesis, no API key: ${run.cases} test cases, exit ${run.code}`);
    assert.equal(run.code, 0, run.output);
    assert.ok(run.cases > 0, run.output);
    assert.doesNotMatch(open.stderr(), /failed:/, "the server logged no failure");
  });

  test("with an API key sent as the Authorization header (PostgreSQL): no 5xx, every response conforms", async () => {
    const run = await schemathesis(keyed, ["--header", `Authorization: Bearer ${API_KEY}`]);
    console.log(`schemathesis, with the API key: ${run.cases} test cases, exit ${run.code}`);
    assert.equal(run.code, 0, run.output);
    assert.ok(run.cases > 0, run.output);
    assert.doesNotMatch(keyed.stderr(), /failed:/, "the server logged no failure");
  });
});

describe("API suite: hand-written hostile requests", () => {
  test("without the key, every route but /api/health answers 401 JSON, and nothing is written", async () => {
    const doc = (await (await fetch(`${keyed.url}/api/openapi.json`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const countFlowRuns = async () =>
      ((await (await fetch(`${keyed.url}/api/flow-runs?limit=1000`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as { items: unknown[] }).items.length;
    const before = await countFlowRuns();
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        const url = `${keyed.url}/api${path.replace(/\{[^}]+\}/g, "x")}`;
        for (const authorization of [undefined, "Bearer wrong", `Basic ${API_KEY}`, `Bearer ${API_KEY} extra`]) {
          const res = await fetch(url, {
            method: method.toUpperCase(),
            headers: { "content-type": "application/json", ...(authorization === undefined ? {} : { authorization }) },
            ...(method === "get" || method === "delete" ? {} : { body: "{}" }),
          });
          const where = `${method.toUpperCase()} ${path} (${authorization ?? "no header"})`;
          if (path === "/health") {
            assert.equal(res.status, 200, where);
            continue;
          }
          assert.equal(res.status, 401, where);
          assert.equal(jsonError(await res.text(), where).code, "UNAUTHORIZED");
          checked++;
        }
      }
    }
    assert.ok(checked >= 80, `${checked} requests`);
    assert.equal(await countFlowRuns(), before, "no request without the key wrote anything");
  });

  test("oversized: a 17 MiB body is 413, a 100 KB header or a 100 KB URL is 431, all JSON; huge numbers are 400", async () => {
    const big = await fetch(`${open.url}/api/writes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"batchId":"b","logs":[${'"x",'.repeat(17 * 1024 * 1024 / 4)}"x"]}`,
    });
    assert.equal(big.status, 413);
    assert.match(jsonError(await big.text(), "17 MiB").message, /larger than this server accepts/);

    const header = await rawRequest(open.port, `GET /api/flow-runs HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(100_000)}\r\n\r\n`);
    assert.equal(header.status, 431);
    assert.equal(jsonError(header.body, "big header").code, "HEADERS_TOO_LARGE");
    const url = await rawRequest(open.port, `GET /api/flow-runs?flowName=${"a".repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(url.status, 431);
    assert.match(jsonError(url.body, "big URL").message, /send a shorter URL/);

    // The longest value a query takes (a task key: 2,000 characters, counted as code points) fits, even as percent-encoded 4-byte UTF-8 (24 KB).
    const longest = await fetch(`${open.url}/api/caches/report?taskKey=${encodeURIComponent("𝄞".repeat(2000))}`);
    assert.equal(longest.status, 200, await longest.clone().text());
    const tooLong = await fetch(`${open.url}/api/caches/report?taskKey=${encodeURIComponent("𝄞".repeat(2001))}`);
    assert.equal(tooLong.status, 400);
    assert.match(jsonError(await tooLong.text(), "taskKey").message, /query\.taskKey/);

    for (const query of ["limit=99999999999999999999", "limit=1001", "offset=-1", "limit=1e3", "limit=0x10"]) {
      const res = await fetch(`${open.url}/api/flow-runs?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(jsonError(await res.text(), query).message, /query\.(limit|offset)/, query);
    }
    const many = await fetch(`${open.url}/api/result-references/forget`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: Array.from({ length: 100_001 }, () => "") }),
    });
    assert.equal(many.status, 400);
  });

  test("malformed: broken JSON, wrong types, wrong content type, deep nesting, invalid UTF-8, broken HTTP: 4xx JSON", async () => {
    const post = (body: string | Buffer, contentType = "application/json") =>
      rawRequest(
        open.port,
        Buffer.concat([
          Buffer.from(`POST /api/writes HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`),
          Buffer.from(body),
        ]),
      );
    const cases: [string, string | Buffer, number, RegExp][] = [
      ["truncated JSON", '{"batchId":"a","flowRuns":[', 400, /./],
      ["not an object", "[1,2,3]", 400, /body: Invalid input: expected object/],
      ["a wrong type", '{"batchId":"a","flowRuns":"nope"}', 400, /body\.flowRuns/],
      ["a bad timestamp", '{"logs":[{"flowRunId":"f","taskRunId":null,"level":20,"name":"n","message":"m","timestamp":"yesterday"}]}', 400, /body\.logs\.0\.timestamp/],
      ["deep nesting", `${"[".repeat(100_000)}${"]".repeat(100_000)}`, 400, /./],
      ["a prototype key", '{"__proto__":{"polluted":true},"batchId":"p"}', 200, /./],
    ];
    for (const [name, body, status, message] of cases) {
      const res = await post(body);
      assert.equal(res.status, status, `${name}: ${res.body.slice(0, 300)}`);
      if (status >= 400) assert.match(jsonError(res.body, name).message, message, name);
    }
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);

    const text = await post('{"batchId":"t"}', "text/plain");
    assert.equal(text.status, 415);
    assert.match(jsonError(text.body, "text/plain").message, /Content-Type: application\/json/);
    const utf8 = await post(Buffer.concat([Buffer.from('{"batchId":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}')]));
    assert.ok(utf8.status < 500, utf8.body);
    const garbage = await rawRequest(open.port, "GARBAGE\r\n\r\n");
    assert.equal(garbage.status, 400);
    assert.equal(jsonError(garbage.body, "not HTTP").code, "MALFORMED_HTTP");
    const chunked = await rawRequest(open.port, "POST /api/writes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    assert.equal(chunked.status, 400);
    jsonError(chunked.body, "bad chunk");
    const method = await fetch(`${open.url}/api/flow-runs`, { method: "PATCH" });
    assert.equal(method.status, 405);
    assert.equal(method.headers.get("allow"), "GET, HEAD");
  });

  test("path traversal and odd ids: 4xx JSON that never shows a file, on SQLite and PostgreSQL", async () => {
    const paths = [
      "/api/flow-runs/..%2F..%2F..%2Fetc%2Fpasswd",
      "/api/flow-runs/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/api/task-runs/..%5C..%5Cwindows%5Cwin.ini",
      "/api/runs/..%2F..%2Fcairn.db/states",
      "/api/block-types/..%2F..%2F/block-documents/secret.key",
      "/api/block-types/s3/block-documents/..%2F..%2Fsecret.key",
      "/api/block-documents/..%2F..%2Fsecret.key",
      "/api/flow-runs/%00",
      "/api/flow-runs/%E0%A4%A",
      "/api/flow-runs?flowName=a%00b",
      "/api/logs?flowRunId=%00&minLevel=0",
      "/api/../../../etc/passwd",
      "/api/%2e%2e/%2e%2e/etc/passwd",
      "/api//flow-runs",
      "/api/openapi.json/../../secret.key",
    ];
    for (const server of [open, keyed]) {
      for (const path of paths) {
        const res = await rawRequest(server.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\nConnection: close\r\n\r\n`);
        assert.ok(res.status < 500, `${path}: ${res.status} ${res.body.slice(0, 300)}`);
        assert.doesNotMatch(res.body, /root:x:0:0|SQLite format|BEGIN|PRIVATE KEY/, path);
        if (res.status >= 400) jsonError(res.body, path);
        else assert.match(res.body, /^\{"items":\[\]/, path);
      }
    }
    // A NUL in text PostgreSQL cannot store is kept as U+FFFD instead of failing the write (it once answered 500).
    const run = { id: "nul\u0000run", name: "n", stateType: "RUNNING", stateName: "Running", stateMessage: "a\u0000b", stateTimestamp: "2024-01-01T00:00:00.000Z",
      runCount: 1, startTime: null, endTime: null, created: "2024-01-01T00:00:00.000Z", owner: { host: "h", pid: 1, engineId: "e" },
      flowName: "nul-flow", flowVersion: null, parameters: "{}", tags: ["t\u0000"], parentTaskRunId: null };
    const auth = { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" };
    const written = await fetch(`${keyed.url}/api/writes`, { method: "POST", headers: auth, body: JSON.stringify({ batchId: "nul\u0000batch", flowRuns: [run] }) });
    assert.equal(written.status, 200);
    assert.deepEqual(await written.json(), { applied: true, refused: 0, errors: [] });
    const read = await fetch(`${keyed.url}/api/flow-runs/${encodeURIComponent(run.id)}`, { headers: auth });
    assert.equal(read.status, 200);
    const stored = (await read.json()) as { id: string; stateMessage: string; tags: string[] };
    assert.equal(stored.id, "nul\uFFFDrun");
    assert.equal(stored.stateMessage, "a\uFFFDb");
    assert.deepEqual(stored.tags, ["t\u0000"], "inside JSON text, an escaped NUL is just text");
  });

  test("after all of it both servers are healthy and logged no failure", async () => {
    for (const server of [open, keyed]) {
      assert.equal((await fetch(`${server.url}/api/health`)).status, 200);
      assert.doesNotMatch(server.stderr(), /failed:/);
    }
  });
});
