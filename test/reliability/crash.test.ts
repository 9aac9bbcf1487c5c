// The Crash suite (issue 10): kill -9 at seeded random points of persisting flows — sync
// and async tasks, subflows, retries, cache writes, large binary results — all on one
// store, and after each kill check what the next engine start finds:
//   - every result reference points to a complete blob, the one it recorded (each is read back through it);
//   - no reference points to a temporary file;
//   - every run the killed process left unfinished is CRASHED after the next engine start;
//   - every keyed blob on disk belongs to a flow run the store knows (unkeyed blobs without
//     a reference are counted: they are the documented window, swept by `cairn results prune --orphans`);
//   - the oldest lost state change is at most LOSS_BOUND_MS old at the kill (the worst is printed).
// `npm test` runs a few kills; `npm run reliability` runs 200 (docs/reliability.md).
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { TEMP_FILE_PATTERN } from "../../src/blocks/local-file-system/atomic-write.js";
import { Engine, flow, LocalFileSystem, readResultReference } from "../../src/index.js";
import { FINAL_STATE_TYPES, type ResultReferenceRecord } from "../../src/records/index.js";
import type { OrchestrationClient } from "../../src/client/orchestration-client.js";
import { createTestEngine } from "../../src/testing/index.js";
import type { CrashScenario } from "./fixtures/crash-child.js";
import { inspectAfterKill, runAndKill, type KilledChild } from "./support/crash-run.js";
import { RELIABILITY_SEED, reliabilityN, seededRandom } from "./support/scale.js";

const N = reliabilityN(200, 5);
/** docs/metadata-store.md: bursts at least every 20 ms; the rest is room for a loaded machine's stalls. */
const LOSS_BOUND_MS = 250;
const KINDS = ["sync", "async", "subflow", "retries", "cache", "large", "mixed"];

async function allReferences(client: OrchestrationClient): Promise<ResultReferenceRecord[]> {
  const all: ResultReferenceRecord[] = [];
  let page = await client.readResultReferences({ limit: 1000 });
  for (;;) {
    all.push(...page.references);
    if (page.next === undefined) return all;
    page = await client.readResultReferences({ after: page.next, limit: 1000 });
  }
}

/** The runs of the killed process's flow runs that are not final (its subflows and task runs included). */
async function unfinishedRuns(client: OrchestrationClient, killed: KilledChild): Promise<string[]> {
  const left: string[] = [];
  for (const id of killed.flows.keys()) {
    const run = await client.readFlowRun(id);
    if (run !== undefined && !FINAL_STATE_TYPES.has(run.stateType)) left.push(`flow run ${id} ${run.stateType}`);
    for (const task of await client.readTaskRuns({ flowRunId: id })) {
      if (!FINAL_STATE_TYPES.has(task.stateType)) left.push(`task run ${task.id} ${task.stateType}`);
    }
  }
  return left;
}

describe("crash: kill -9 at random points of persisting flows", () => {
  it(`${N} kills (seed ${RELIABILITY_SEED}): no broken reference, every killed run CRASHED, loss bounded by time`, async () => {
    const random = seededRandom(RELIABILITY_SEED);
    const t = createTestEngine();
    const resultsDir = join(t.home, "results");
    const storage = new LocalFileSystem({ basepath: resultsDir });
    const verified = new Set<string>();
    const losses: number[] = [];
    const byKind = new Map<string, number>();
    let crashedRuns = 0;
    let startedTasks = 0;
    try {
      for (let i = 0; i < N; i++) {
        const kind = KINDS[Math.floor(random() * KINDS.length)] as string;
        const scenario: CrashScenario = {
          kind,
          tasks: 10 + Math.floor(random() * 60),
          payloadBytes: 100 + Math.floor(random() * 4000),
          seed: Math.floor(random() * 2 ** 31),
        };
        const at = { afterTasks: 1 + Math.floor(random() * 120), delayMs: Math.floor(random() * 60) };
        const where = `kill ${i + 1}/${N} (${JSON.stringify(scenario)}, ${JSON.stringify(at)})`;
        const killed = await runAndKill(t.env, scenario, at);
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
        startedTasks += killed.tasks.length;

        // The next engine start on the same store (as the next script would).
        const engine = new Engine({ settings: t.engine.settings });
        try {
          await engine.run(() => flow({ name: "after-crash" }, () => i)());
          const client = await engine.client();
          const deadline = Date.now() + 10_000;
          let left = await unfinishedRuns(client, killed);
          while (left.length > 0 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 25));
            left = await unfinishedRuns(client, killed);
          }
          assert.deepEqual(left, [], `${where}: runs left unfinished after the next engine start`);
          for (const id of killed.flows.keys()) {
            const run = await client.readFlowRun(id);
            if (run?.stateType === "CRASHED") crashedRuns++;
          }

          const found = await inspectAfterKill(client, killed, resultsDir);
          assert.deepEqual(found.blobsOfUnknownFlows, [], `${where}: blobs of flow runs the store does not know`);
          assert.ok(found.lossMs <= LOSS_BOUND_MS, `${where}: the oldest lost task run started ${found.lossMs} ms before the kill`);
          losses.push(found.lossMs);

          for (const reference of await allReferences(client)) {
            assert.doesNotMatch(reference.storageKey, TEMP_FILE_PATTERN, `${where}: a reference to a temporary file`);
            if (verified.has(reference.storageKey)) continue;
            // Through the reference: throws if the blob is missing, cut short, altered, or not the one recorded.
            const { integrity } = JSON.parse(reference.data) as { integrity?: string };
            await readResultReference({ storageKey: reference.storageKey, integrity }, { storage });
            verified.add(reference.storageKey);
          }
        } finally {
          await engine.close();
        }
      }

      const client = await t.engine.client();
      const referenced = new Set((await allReferences(client)).map((r) => r.storageKey));
      const files = readdirSync(resultsDir);
      const temp = files.filter((f) => TEMP_FILE_PATTERN.test(f));
      const unreferenced = files.filter((f) => !TEMP_FILE_PATTERN.test(f) && !referenced.has(f));
      losses.sort((a, b) => a - b);
      const pct = (p: number) => losses[Math.min(losses.length - 1, Math.floor(p * losses.length))] ?? 0;
      console.log(
        `crash suite: ${N} kills (${[...byKind].map(([k, n]) => `${k} ${n}`).join(", ")}), ${startedTasks} task runs started, ` +
          `${verified.size} result references read back, 0 broken; ${crashedRuns} killed flow runs CRASHED; ` +
          `loss at the kill: median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, worst ${losses[losses.length - 1] ?? 0} ms; ` +
          `${files.length - temp.length} blobs on disk, ${unreferenced.length} without a reference (the window), ${temp.length} temporary files left`,
      );
    } finally {
      await t.cleanup();
    }
  });
});
