import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { flow, task } from "../../src/index.js";
import { runCli } from "../../src/cli/main.js";
import { parseDuration } from "../../src/cli/commands/results-prune.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { filesUnder } from "../results/helpers.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

const cli = (...args: string[]) => runCli(args, { env: t.env, cwd: t.home });

describe("cairn results prune", () => {
  it("--expired deletes expired results' files and forgets their references; --dry-run only lists", async () => {
    let calls = 0;
    const shortLived = task({ name: "short-lived", cacheKeyFn: () => "prune-key", cacheExpirationSeconds: 0.05 }, () => ({ n: ++calls }));
    const keeper = task({ name: "keeper", persistResult: true }, () => "kept");
    await t.engine.run(() => flow(async () => { await shortLived(); await keeper(); })());
    await t.engine.flush();
    const dir = join(t.home, "results");
    assert.equal(filesUnder(dir).length, 2);
    await new Promise((r) => setTimeout(r, 80));

    const dry = await cli("results", "prune", "--expired", "--dry-run");
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /1 result would be pruned \(dry run: nothing deleted\)/);
    assert.equal(filesUnder(dir).length, 2);

    const run = await cli("results", "prune", "--expired");
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Pruned 1 result: files deleted and references forgotten/);
    assert.equal(filesUnder(dir).length, 1);

    const client = await t.engine.client();
    const [pruned] = await client.readTaskRuns({ taskKey: shortLived.taskKey });
    assert.deepEqual(JSON.parse(pruned!.stateData!), { type: "unpersisted", pruned: true });
    assert.equal(pruned!.cacheKey, null);
  });

  it("--older-than removes everything recorded before the cutoff", async () => {
    const dir = join(t.home, "results");
    const run = await cli("results", "prune", "--older-than", "0s");
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(filesUnder(dir), []);
  });

  it("refuses to run without a criterion, and refuses bad durations", async () => {
    const none = await cli("results", "prune");
    assert.equal(none.code, 1);
    assert.match(none.stderr, /--expired, --older-than DURATION/);
    const bad = await cli("results", "prune", "--older-than", "soon");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"soon" is not a duration/);
    assert.equal(parseDuration("12h"), 43_200_000);
    assert.equal(parseDuration("2w"), 1_209_600_000);
  });
});
