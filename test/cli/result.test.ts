import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { flow, task, LocalFileSystem } from "../../src/index.js";
import { runCli } from "../../src/cli/main.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { filesUnder } from "../results/helpers.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

describe("cairn result read", () => {
  it("prints a JSON-able result as JSON, and a binary one as a summary", async () => {
    const report = task({ persistResult: true }, () => ({ user: "Marvin", scores: [1, 2, 3] }));
    const rich = task({ persistResult: true }, () => new Map([["a", new Float64Array([1.5, 2.5])]]));
    await t.engine.run(() => flow(async () => { await report(); await rich(); })());
    const dir = join(t.home, "results");
    const outputs = [];
    for (const key of filesUnder(dir)) {
      const run = await runCli(["result", "read", key], { env: t.env, cwd: t.home });
      assert.equal(run.code, 0, run.stderr);
      outputs.push(run.stdout);
    }
    assert.ok(outputs.some((o) => o.includes('"user": "Marvin"')), outputs.join("\n"));
    assert.ok(outputs.some((o) => /Map\(1\) \{ 'a' => Float64Array\(2\) \[ 1\.5, 2\.5 \] \}/.test(o)), outputs.join("\n"));
  });

  it("--info shows the serializer and where the result lives", async () => {
    const storage = new LocalFileSystem({ basepath: join(t.home, "results") });
    const greet = task({ resultStorage: storage, resultSerializer: "json", resultStorageKey: "greeting.json" }, () => "hello");
    await t.engine.run(() => greet());
    const run = await runCli(["result", "read", "greeting.json", "--info"], { env: t.env, cwd: t.home });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Serializer:\s+\{"type":"json"/);
    assert.match(run.stdout, /hello\s*$/);
  });

  it("reads a framed (large binary) result, and --info names its layout", async () => {
    const storage = new LocalFileSystem({ basepath: join(t.home, "framed") });
    await t.engine.run(() => storage.save("framed-cli", { overwrite: true }));
    const big = task({ resultStorage: storage, resultStorageKey: "big.bin" }, () => ({ n: 7, samples: new Float64Array(200_000).fill(0.5) }));
    await t.engine.run(() => big());
    const run = await runCli(["result", "read", "big.bin", "--info", "--storage", "local-file-system/framed-cli"], { env: t.env, cwd: t.home });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Layout:\s+framed \(\d+ raw bytes after the head line\)/);
    assert.match(run.stdout, /n: 7/);
    assert.match(run.stdout, /Float64Array\(200000\)/);
  });

  it("a missing key fails with exit code 1 and a message naming the key", async () => {
    const run = await runCli(["result", "read", "no-such-key"], { env: t.env, cwd: t.home });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /No result is stored at key "no-such-key"/);
  });
});
