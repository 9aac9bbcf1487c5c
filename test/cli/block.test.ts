import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { Block } from "../../src/blocks/block.js";
import { LocalFileSystem } from "../../src/blocks/local-file-system/local-file-system.js";
import { SecretKey } from "../../src/blocks/secrets/secret-key.js";
import { runCli, type CliRun } from "../../src/cli/main.js";
import { flow } from "../../src/engine/flow.js";
import { getRunLogger } from "../../src/engine/run-context.js";
import { task } from "../../src/engine/task.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { TokenFolder } from "../blocks/block-fixtures.js";

const SECRET = "tok-CANARY-31f0a9d2c7b4";

let t: TestEngine;
before(() => {
  t = createTestEngine({ NO_COLOR: "1" });
});
after(async () => {
  await t.cleanup();
});

function cairn(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return runCli(args, { env: { ...t.env, ...env }, cwd: t.home });
}

async function ok(args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  const run = await cairn(args, env);
  assert.equal(run.code, 0, `cairn ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
}

/** Every file under `dir`, but the key file (whose job is to hold the key, not the secret). */
function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return filesOf(path);
    return entry.startsWith("secret.key") ? [] : [path];
  });
}

void describe("cairn block", () => {
  void it("create, ls, inspect and delete", async () => {
    const basepath = join(t.home, "created");
    assert.match(await ok(["block", "create", "local-file-system", "results", "--field", `basepath=${basepath}`, "--field", "fsync=true"]), /^Saved block local-file-system\/results with id [0-9a-f-]{36}\.\n$/);
    const ls = await ok(["block", "ls"]);
    assert.match(ls, /^ID\s+SLUG\s+UPDATED\s+FIELDS\n/);
    assert.match(ls, new RegExp(`local-file-system/results\\s+\\S+ \\S+\\s+basepath=${basepath} fsync=true`));

    const shown = await ok(["block", "inspect", "local-file-system/results"]);
    assert.match(shown, /Slug:\s+local-file-system\/results\n/);
    assert.match(shown, new RegExp(`basepath\\s+${basepath}\\n`));
    const json = JSON.parse(await ok(["block", "inspect", "local-file-system/results", "--json"])) as { id: string; data: unknown };
    assert.deepEqual(json.data, { basepath, fsync: true });
    assert.match(await ok(["block", "inspect", json.id]), /Slug:\s+local-file-system\/results/);

    const again = await cairn(["block", "create", "local-file-system", "results", "--field", "basepath=/elsewhere"]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already saved as local-file-system\/results\. Pass --overwrite to replace it/);
    await ok(["block", "create", "local-file-system", "results", "--field", "basepath=/elsewhere", "--overwrite"]);
    assert.equal(((await t.engine.run(() => Block.load("local-file-system/results"))) as LocalFileSystem).basepath, "/elsewhere");

    assert.equal(await ok(["block", "delete", "local-file-system/results"]), "Deleted block local-file-system/results.\n");
    const missing = await cairn(["block", "delete", "local-file-system/results"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No block is saved as local-file-system\/results \(block type "local-file-system", name "results"\)/);
  });

  void it("refuses bad input with exit code 1 and a clear message", async () => {
    const cases: [string[], RegExp][] = [
      [["block", "create", "ftp", "x"], /Unknown block type "ftp"\. Registered block types: .*local-file-system/],
      [["block", "create", "local-file-system", "Bad Name", "--field", "basepath=/x"], /Invalid block name "Bad Name".*e\.g\. "bad-name"/],
      [["block", "create", "local-file-system", "bad", "--field", "fsync=maybe", "--field", "basepath=/x"], /Invalid local-file-system block: fsync must be true or false, got "maybe"/],
      [["block", "create", "local-file-system", "bad", "--field", "basepath"], /--field expects KEY=VALUE/],
      [["block", "inspect", "nope"], /Invalid block slug "nope"/],
      [["block", "inspect", "s3/nope"], /No block is saved as s3\/nope/],
    ];
    for (const [args, pattern] of cases) {
      const run = await cairn(args);
      assert.equal(run.code, 1, args.join(" "));
      assert.match(run.stderr, pattern);
    }
  });

  void it("types lists the registered block types with their fields and secret fields", async () => {
    const out = await ok(["block", "types"]);
    assert.match(out, /^TYPE\s+CLASS\s+FIELDS\s+SECRET FIELDS\n/);
    assert.match(out, /local-file-system\s+LocalFileSystem\s+basepath, fsync\s+-/);
    assert.match(out, /test-token-folder\s+TokenFolder\s+basepath, token, label\s+token/);
  });

  void it("ls hides anonymous blocks unless --all", async () => {
    const storage = new LocalFileSystem({ basepath: join(t.home, "unsaved-results") });
    await t.engine.run(() => flow({ persistResult: true, resultStorage: storage }, () => 1)());
    assert.doesNotMatch(await ok(["block", "ls"]), /anonymous-/);
    assert.match(await ok(["block", "ls", "--all"]), /local-file-system\/anonymous-[0-9a-f-]{36} \(anonymous\)/);
  });

  void it("rotate-key re-encrypts the secrets, and needs --new-key-file with CAIRN_SECRET_KEY", async () => {
    await t.engine.run(() => new TokenFolder({ basepath: join(t.home, "rot"), token: "rotate-me-123" }).save("rotated"));
    assert.match(await ok(["block", "rotate-key"]), /^Re-encrypted the secrets of \d+ block\(s\): key [0-9a-f]{16} -> [0-9a-f]{16}\.\nThe new key is in .*secret\.key; the old one was kept in .*secret\.key\.old\./);
    assert.match(await ok(["block", "inspect", "test-token-folder/rotated", "--show-secrets"]), /token\s+rotate-me-123/);

    const current = readFileSync(join(t.home, "secret.key"), "utf8").trim();
    const refused = await cairn(["block", "rotate-key"], { CAIRN_SECRET_KEY: current });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /comes from CAIRN_SECRET_KEY.*--new-key-file/);
    const next = SecretKey.generate();
    const keyFile = join(t.home, "next.key");
    writeFileSync(keyFile, next.toBase64());
    assert.match(await ok(["block", "rotate-key", "--new-key-file", keyFile], { CAIRN_SECRET_KEY: current }), /Now set CAIRN_SECRET_KEY to the new key/);
    assert.match(await ok(["block", "inspect", "test-token-folder/rotated", "--show-secrets"], { CAIRN_SECRET_KEY: next.toBase64() }), /token\s+rotate-me-123/);
    const stale = await cairn(["block", "inspect", "test-token-folder/rotated", "--show-secrets"], { CAIRN_SECRET_KEY: current });
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /the secret key changed/);
    // Back to the key file for the other tests.
    writeFileSync(join(t.home, "secret.key"), `${next.toBase64()}\n`, { mode: 0o600 });
  });
});

void describe("secrets never leak", () => {
  void it("no CLI output, log line, error message or stored file holds the secret, unless asked for", async () => {
    const basepath = join(t.home, "canary");
    const outputs: string[] = [];
    outputs.push(await ok(["block", "create", "test-token-folder", "canary", "--field", `basepath=${basepath}`, "--field-from-env", "token=CANARY_TOKEN"], { CANARY_TOKEN: SECRET }));

    // A flow that uses the block as storage (saved and anonymous), logs it and fails with it in the message.
    const saved = await t.engine.run(() => TokenFolder.load("canary"));
    const copy = new TokenFolder({ basepath: join(t.home, "canary-copy"), token: SECRET });
    const chatty = task({ persistResult: true, resultStorage: copy }, () => {
      getRunLogger().info(`storage ${saved} ${JSON.stringify(saved)} ${inspect(saved)} ${inspect(copy)}`);
      return "done";
    });
    const failing = task(() => {
      throw new Error(`cannot use ${saved} (${JSON.stringify(copy)})`);
    });
    const canaryFlow = flow({ name: "canary-flow", persistResult: true, resultStorage: saved }, async () => {
      await chatty();
      await failing.returnState();
      return "finished";
    });
    assert.equal(await t.engine.run(() => canaryFlow()), "finished");
    await t.engine.flush();
    assert.equal(saved.tokenValue(), SECRET, "the loaded block's secret is usable");

    // Errors: a bad token (too short) and a taken name.
    outputs.push((await cairn(["block", "create", "test-token-folder", "short", "--field", "basepath=/x", "--field", `token=${SECRET.slice(0, 5)}`])).stderr);
    outputs.push((await cairn(["block", "create", "test-token-folder", "canary", "--field", "basepath=/x", "--field-from-env", "token=CANARY_TOKEN"], { CANARY_TOKEN: SECRET })).stderr);

    const flowRunId = (await (await t.engine.client()).readFlowRuns({ flowName: "canary-flow" }))[0]?.id ?? "";
    for (const args of [
      ["block", "ls"], ["block", "ls", "--all"], ["block", "ls", "--all", "--json"], ["block", "types"],
      ["block", "inspect", "test-token-folder/canary"], ["block", "inspect", "test-token-folder/canary", "--json"],
      ["flow-run", "ls"], ["flow-run", "inspect", flowRunId], ["flow-run", "inspect", flowRunId, "--json"],
    ]) {
      outputs.push(await ok(args));
    }
    const logs = await (await t.engine.client()).readLogs({ flowRunId });
    assert.ok(logs.some((l) => l.message.includes("storage TokenFolder(test-token-folder at")), "the block was logged");
    outputs.push(...logs.map((l) => l.message));

    for (const text of outputs) assert.ok(!text.includes(SECRET), `leaked in: ${text}`);
    for (const file of filesOf(t.home)) assert.ok(!readFileSync(file).includes(SECRET), `leaked in ${file}`);

    // Asked for explicitly, the secret is shown.
    assert.match(await ok(["block", "inspect", "test-token-folder/canary", "--show-secrets"]), new RegExp(`token\\s+${SECRET}`));
  });
});
