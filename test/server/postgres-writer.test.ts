// The PostgreSQL writer: bursts as JSON, idempotent batch ids, and a refused row that costs
// only itself (the rest of the burst is written row by row).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { SecretKeySource } from "../../src/blocks/secrets/secret-key-source.js";
import type { MetadataService } from "../../src/database/service/metadata-service.js";
import { openMetadataService } from "../../src/database/service/open-metadata-service.js";
import { createTestDatabase, dropTestDatabase } from "../../src/testing/backends/postgres-test-database.js";
import { testPostgresUrl } from "../../src/testing/index.js";
import { makeFlowRun, makeLog, makeState, makeTaskRun } from "../client/fixtures/records.js";

let url: string;
let service: MetadataService;
before(async () => {
  url = await createTestDatabase(testPostgresUrl());
  service = await openMetadataService({ databaseUrl: url, secretKey: new SecretKeySource({ file: "", value: Buffer.alloc(32, 1).toString("base64") }) });
});
after(async () => {
  await service.close();
  await dropTestDatabase(testPostgresUrl(), url);
});

describe("opening PostgreSQL", () => {
  test("a database that cannot be reached is a configuration error that names it, without the password", async () => {
    const missing = new URL(testPostgresUrl());
    missing.pathname = "/cairn_test_does_not_exist";
    missing.password = "hunter2";
    await assert.rejects(
      openMetadataService({ databaseUrl: missing.toString(), secretKey: new SecretKeySource({ file: "", value: Buffer.alloc(32, 1).toString("base64") }) }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, "CONFIGURATION_ERROR");
        assert.match(err.message, /Could not connect to the PostgreSQL database of CAIRN_API_DATABASE_URL \(postgresql:\/\/postgres:\*{8}@.*cairn_test_does_not_exist\).*database "cairn_test_does_not_exist" does not exist/);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
  });
});

describe("PostgresMetadataWriter", () => {
  test("writes a burst of every kind of row, and a batch id once", async () => {
    const run = makeFlowRun({ tags: ["a", "é ü"], parameters: '{"x":"\\"quoted\\""}' });
    const tasks = Array.from({ length: 3000 }, (_, i) => makeTaskRun({ flowRunId: run.id, dynamicKey: String(i), stateData: '{"type":"literal","value":null}' }));
    const states = tasks.map((t) => makeState("COMPLETED", { flowRunId: run.id, taskRunId: t.id }, { details: '{"k":[1,2]}' }));
    const batch = { flowRuns: [run], taskRuns: tasks, states, logs: [makeLog({ flowRunId: run.id, message: "line\nwith 'quotes'" })] };
    const batchId = randomUUID();
    assert.deepEqual(await service.writeBatch(batch, { batchId }), { applied: true, refused: 0, errors: [] });
    assert.deepEqual(await service.writeBatch(batch, { batchId }), { applied: false, refused: 0, errors: [] });
    assert.deepEqual(await service.readFlowRun(run.id), run);
    const stored = await service.readTaskRuns({ flowRunId: run.id });
    assert.equal(stored.length, 3000);
    assert.deepEqual(stored[7], tasks[7]);
    assert.deepEqual(await service.readStates(tasks[5]!.id), [states[5]]);
    assert.equal((await service.readLogs({ flowRunId: run.id }))[0]?.message, "line\nwith 'quotes'");
    // An upsert replaces the row and keeps its place.
    const done = { ...run, stateType: "COMPLETED" as const, stateName: "Completed" };
    await service.writeBatch({ flowRuns: [done], taskRuns: [], states: [], logs: [] });
    assert.deepEqual(await service.readFlowRun(run.id), done);
  });

  test("a row PostgreSQL refuses is dropped alone; the rest of the burst is written", async () => {
    const run = makeFlowRun();
    const good = makeLog({ flowRunId: run.id, message: "fine" });
    const bad = makeLog({ flowRunId: run.id, message: "too loud", level: 3_000_000_000 }); // level is a 32-bit integer
    const outcome = await service.writeBatch({ flowRuns: [run], taskRuns: [], states: [], logs: [good, bad] }, { batchId: randomUUID() });
    assert.equal(outcome.applied, true);
    assert.equal(outcome.refused, 1);
    assert.match(outcome.errors[0] ?? "", /out of range/i);
    assert.deepEqual(await service.readFlowRun(run.id), run);
    assert.deepEqual((await service.readLogs({ flowRunId: run.id })).map((l) => l.message), ["fine"]);
  });

  test("U+0000, which PostgreSQL text cannot hold, is stored as U+FFFD instead of failing the row; lookups by it match", async () => {
    const run = makeFlowRun({ id: `nul-\u0000-${randomUUID()}`, flowName: "nul\u0000flow" });
    const log = makeLog({ flowRunId: run.id, message: "nul \u0000 byte" });
    const state = makeState("RUNNING", { flowRunId: run.id }, { message: "\u0000" });
    const outcome = await service.writeBatch({ flowRuns: [run], taskRuns: [], states: [state], logs: [log] }, { batchId: randomUUID() });
    assert.deepEqual(outcome, { applied: true, refused: 0, errors: [] });
    const stored = await service.readFlowRun(run.id);
    assert.equal(stored?.id, run.id.replace("\u0000", "\uFFFD"));
    assert.equal(stored?.flowName, "nul\uFFFDflow");
    assert.deepEqual((await service.readLogs({ flowRunId: run.id })).map((l) => l.message), ["nul \uFFFD byte"]);
    assert.deepEqual((await service.readStates(run.id)).map((st) => st.message), ["\uFFFD"]);
    assert.equal((await service.readFlowRuns({ flowName: "nul\u0000flow" })).length, 1);
  });
});
