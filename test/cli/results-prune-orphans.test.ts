// `cairn results prune --orphans`: per storage, result blobs no reference points to and
// stale temporary files go; referenced blobs, young leftovers (a live run may still be
// recording), files that are not result blobs and the store's own files stay.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalFileSystem } from "../../src/blocks/local-file-system/local-file-system.js";
import { runCli } from "../../src/cli/main.js";
import { readResult, task, type PersistedResult } from "../../src/index.js";
import { formatBytes } from "../../src/cli/progress-line.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { filesUnder } from "../results/helpers.js";

let t: TestEngine;
let results: string;
before(() => {
  t = createTestEngine({ NO_COLOR: "1" });
  results = join(t.home, "results");
});
after(async () => {
  await t.cleanup();
});

const cli = (...args: string[]) => runCli(args, { env: t.env, cwd: t.home });
const TWO_HOURS_AGO = new Date(Date.now() - 2 * 3_600_000);
const age = (file: string, when = TWO_HOURS_AGO) => utimesSync(file, when, when);

/** Persists `n` results through the default storage and a named block; returns their references. */
async function persistSome(n: number, resultStorage?: string): Promise<PersistedResult[]> {
  const refs: PersistedResult[] = [];
  const keep = task({ name: "keep", persistResult: true, ...(resultStorage === undefined ? {} : { resultStorage }) }, (i: number) => ({ i }));
  await t.engine.run(async () => {
    for (let i = 0; i < n; i++) {
      const state = await keep.returnState(i);
      refs.push(state.data as PersistedResult);
    }
  });
  await t.engine.flush();
  return refs;
}

describe("cairn results prune --orphans", () => {
  it("removes old unreferenced blobs and temporary files, keeps the rest; --dry-run lists and deletes nothing", async () => {
    const referenced = await persistSome(3);
    for (const ref of referenced) age(join(results, ref.storageKey));
    const blob = readFileSync(join(results, referenced[0]!.storageKey));

    // Leftovers of a killed process: blobs whose run was never recorded, a temporary file.
    mkdirSync(join(results, "nested"), { recursive: true });
    const orphans = ["0123456789abcdef0123456789abcdef", "nested/fedcba9876543210fedcba9876543210"];
    for (const key of orphans) {
      writeFileSync(join(results, key), blob);
      age(join(results, key));
    }
    const temp = join(results, ".aaaabbbbccccdddd.0011223344556677.tmp");
    writeFileSync(temp, blob.subarray(0, 40));
    age(temp);
    // Kept: a young orphan (a live run may be about to record it), a file that is not a blob.
    writeFileSync(join(results, "young0000000000000000000000000000"), blob);
    writeFileSync(join(results, "notes.txt"), "my own notes, not a result");
    age(join(results, "notes.txt"));
    const before = filesUnder(results).sort();

    const dry = await cli("results", "prune", "--orphans", "--dry-run");
    assert.equal(dry.code, 0, dry.stderr);
    const storage = `local-file-system at ${results}`;
    for (const key of orphans) assert.match(dry.stdout, new RegExp(`^would delete ${storage}: ${key} \\(${blob.byteLength} B, modified `, "m"));
    assert.match(dry.stdout, new RegExp(`^would delete ${storage}: unfinished write \\.aaaabbbbccccdddd\\.0011223344556677\\.tmp \\(40 B,`, "m"));
    assert.doesNotMatch(dry.stdout, /young0000|notes\.txt/);
    assert.equal(dry.stdout.match(/^would delete /gm)?.length, 3);
    assert.ok(dry.stdout.includes(`${storage} [`), dry.stdout);
    assert.ok(dry.stdout.includes(`]: 2 orphaned blobs (${formatBytes(2 * blob.byteLength)}) and 1 unfinished write (40 B) would be removed, of `), dry.stdout);
    assert.match(dry.stdout, /1 unreferenced newer than 1h kept; 1 file that is not a result blob left alone\./);
    assert.match(dry.stdout, /^Dry run: 2 orphaned result blobs \([^)]+\) and 1 stale unfinished write \(40 B\) would be removed from \d+ storages?; nothing was deleted\.$/m);
    assert.deepEqual(filesUnder(results).sort(), before, "a dry run changes nothing");

    const run = await cli("results", "prune", "--orphans");
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Removed 2 orphaned result blobs \([^)]+\) and 1 stale unfinished write \(40 B\) from \d+ storages?\.$/m);
    assert.equal(run.stderr, "", "no progress line off a terminal, no warning at the default threshold");
    for (const key of orphans) assert.ok(!existsSync(join(results, key)), key);
    assert.ok(!existsSync(temp));
    assert.ok(existsSync(join(results, "young0000000000000000000000000000")));
    assert.equal(readFileSync(join(results, "notes.txt"), "utf8"), "my own notes, not a result");
    for (const ref of referenced) {
      assert.deepEqual(await t.engine.run(() => readResult(ref.storageKey, { storage: new LocalFileSystem({ basepath: results }) })), {
        i: referenced.indexOf(ref),
      });
    }

    // A second run finds nothing more.
    const again = await cli("results", "prune", "--orphans");
    assert.match(again.stdout, /^Removed 0 orphaned result blobs \(0 B\) and 0 stale unfinished writes \(0 B\)/m);
  });

  it("--older-than sets the age threshold (with a warning below 1h); the progress line is drawn on a terminal", async () => {
    const young = join(results, "young0000000000000000000000000000");
    assert.ok(existsSync(young));
    const run = await runCli(["results", "prune", "--orphans", "--older-than", "0s"], { env: { ...t.env, NO_COLOR: undefined, FORCE_COLOR: "1" }, cwd: t.home });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!existsSync(young));
    assert.match(run.stderr, /Warning:.* --older-than 0s is below the default of 1h: a blob written by a run that is still going/);
    assert.match(run.stderr, /Pruning local-file-system at .*: \d+ objects listed, \d+ removed \(/);
    assert.match(run.stdout, /^Removed 1 orphaned result blob \(/m);
  });

  it("a blob referenced through another block at the same place, or inside a block's folder, is kept", async () => {
    // A named block on the default storage's own folder, and one on the folder around it.
    await t.engine.run(() => new LocalFileSystem({ basepath: results }).save("same", { overwrite: true }));
    await t.engine.run(() => new LocalFileSystem({ basepath: t.home }).save("outer", { overwrite: true }));
    const viaSame = await persistSome(2, "local-file-system/same");
    const viaDefault = await persistSome(1);
    const outer = join(t.home, "outer-results");
    mkdirSync(outer, { recursive: true });
    const blob = readFileSync(join(results, viaSame[0]!.storageKey));
    writeFileSync(join(outer, "orphan-in-outer"), blob);
    for (const file of filesUnder(t.home)) age(join(t.home, file));

    const run = await cli("results", "prune", "--orphans");
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^local-file-system at ${results} \\[.*\\]: inside local-file-system at ${t.home}, swept with it\\.$`, "m"));
    for (const ref of [...viaSame, ...viaDefault]) assert.ok(existsSync(join(results, ref.storageKey)), `${ref.storageKey}\n${run.stdout}`);
    assert.ok(!existsSync(join(outer, "orphan-in-outer")), `an orphan in the outer block's folder goes\n${run.stdout}`);
    // The store's files stay, never opened outside SQLite (this process holds a connection to them).
    assert.ok(existsSync(join(t.home, "cairn.db")));
    assert.match(run.stdout, /(1 file that is not a result blob|\d+ files that are not result blobs) left alone/);
    const client = await t.engine.client();
    assert.ok((await client.readTaskRuns()).length >= 6, "the store still works");
    assert.equal((await cli("block", "delete", "local-file-system/outer")).code, 0);
  });

  it("--orphans with --expired is refused with what to run instead", async () => {
    const run = await cli("results", "prune", "--orphans", "--expired");
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--orphans and --expired select different things: run `cairn results prune --expired` and `cairn results prune --orphans`/);
  });
});
