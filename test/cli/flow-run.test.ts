import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CommanderError } from "commander";
import { flowRunCommand, type FlowRunCommandOptions } from "../../src/cli/commands/flow-run.js";
import { runWithIO } from "../../src/cli/output.js";
import { AmbiguousIdError } from "../../src/records/ambiguous-id-error.js";
import { openEmbeddedClient } from "../../src/client/embedded/open-embedded-client.js";
import type { OrchestrationClient } from "../../src/client/orchestration-client.js";
import type { FlowRunRecord } from "../../src/records/index.js";
import { CairnError } from "../../src/errors/cairn-error.js";
import { ConfigurationError } from "../../src/errors/configuration-error.js";
import { createTestDatabase, dropTestDatabase } from "../../src/testing/backends/postgres-test-database.js";
import { testPostgresUrl } from "../../src/testing/index.js";
import { at, makeFlowRun, makeLog, makeState, makeTaskRun } from "../client/fixtures/records.js";

interface Outcome {
  stdout: string;
  /** What `cairn`'s main would print on stderr: commander's usage errors, or a Cairn error's message. */
  stderr: string;
  /** 0, 1 for a Cairn error, or commander's exit code for a usage error. */
  exitCode: number;
  error?: CairnError;
}

/** Runs `cairn flow-run <args>` in-process, capturing its output, errors and exit code. */
async function run(args: string[], options: FlowRunCommandOptions = {}): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const command = flowRunCommand({ stdout: { write: (s: string) => (stdout += s) }, ...options });
  for (const c of [command, ...command.commands]) {
    c.exitOverride().configureOutput({ writeErr: (s) => void (stderr += s) });
  }
  try {
    await command.parseAsync(args, { from: "user" });
    return { stdout, stderr, exitCode: 0 };
  } catch (err) {
    if (err instanceof CommanderError) return { stdout, stderr, exitCode: err.exitCode };
    if (err instanceof CairnError) return { stdout, stderr: err.message, exitCode: 1, error: err };
    throw err;
  }
}

const ESC = String.fromCharCode(27);

describe("cairn flow-run", () => {
  let dir: string;
  let path: string;
  let openClient: () => Promise<OrchestrationClient>;
  let etlDone: FlowRunRecord;
  let etlFailed: FlowRunRecord;
  let report: FlowRunRecord;
  let orphan: FlowRunRecord;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "cairn-cli-"));
    path = join(dir, "cairn.db");
    openClient = () => openEmbeddedClient({ path });
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
    etlDone = makeFlowRun({
      id: "aaaa1111-0000-4000-8000-000000000001", name: "amber-otter", flowName: "etl",
      stateType: "COMPLETED", stateName: "Completed", created: at(1000), startTime: at(1000), endTime: at(2500),
      parameters: '{"day":"2024-01-01"}', tags: ["nightly"],
    });
    etlFailed = makeFlowRun({
      id: "aaaa2222-0000-4000-8000-000000000002", name: "brave-heron", flowName: "etl",
      stateType: "FAILED", stateName: "Failed", stateMessage: "boom", created: at(3000), startTime: at(3000), endTime: at(3100),
    });
    report = makeFlowRun({
      id: "bbbb3333-0000-4000-8000-000000000003", name: "calm-lynx", flowName: "report",
      stateType: "COMPLETED", stateName: "Cached", created: at(4000), startTime: at(4000), endTime: at(4000),
    });
    orphan = makeFlowRun({
      id: "cccc4444-0000-4000-8000-000000000004", name: "lost-mole", flowName: "etl",
      created: at(5000), owner: { host: hostname(), pid: deadPid, engineId: "gone" },
    });
    const client = await openClient();
    for (const r of [etlDone, etlFailed, report, orphan]) client.recordFlowRun(r);
    client.recordState(makeState("PENDING", { flowRunId: etlDone.id }, { timestamp: at(1000) }));
    client.recordState(makeState("RUNNING", { flowRunId: etlDone.id }, { timestamp: at(1001) }));
    client.recordState(makeState("COMPLETED", { flowRunId: etlDone.id }, { timestamp: at(2500), message: "All good" }));
    const extract = makeTaskRun({
      id: "dddd5555-0000-4000-8000-000000000005", name: "extract-0", flowRunId: etlDone.id,
      stateType: "COMPLETED", stateName: "Completed", startTime: at(1100), endTime: at(1350), created: at(1100),
    });
    client.recordTaskRun(extract);
    client.recordLogs([
      makeLog({ flowRunId: etlDone.id, message: "Created flow run 'amber-otter'", timestamp: at(1000) }),
      makeLog({ flowRunId: etlDone.id, taskRunId: extract.id, level: 30, name: "cairn.task_runs", message: "slow source", timestamp: at(1200) }),
    ]);
    client.recordState(makeState("RUNNING", { flowRunId: orphan.id }, { timestamp: at(5000) }));
    await client.close();
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test("ls lists runs newest first, with full id, flow, name, state, start and duration", async () => {
    const { stdout, exitCode } = await run(["ls"], { openClient });
    assert.equal(exitCode, 0);
    const lines = stdout.trimEnd().split("\n");
    assert.match(lines[1] ?? "", /^cccc4444-0000-4000-8000-000000000004\s/, "the full id is shown");
    assert.match(lines[0] ?? "", /^ID\s+FLOW\s+NAME\s+STATE\s+START\s+DURATION$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4).map((cell, i) => (i === 0 ? cell.slice(0, 8) : cell))), [
      ["cccc4444", "etl", "lost-mole", "CRASHED"],
      ["bbbb3333", "report", "calm-lynx", "COMPLETED"],
      ["aaaa2222", "etl", "brave-heron", "FAILED"],
      ["aaaa1111", "etl", "amber-otter", "COMPLETED"],
    ]);
    assert.match(lines[2] ?? "", /COMPLETED \(Cached\)/);
    assert.match(lines[4] ?? "", /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+1\.5s$/);
    assert.match(lines[3] ?? "", /100ms$/);
    assert.ok(!stdout.includes(ESC), "no colour when stdout is not a terminal");
  });

  test("ls marked the run of a dead process CRASHED before listing", async () => {
    const client = await openClient();
    try {
      const states = await client.readStates(orphan.id);
      assert.deepEqual(states.map((s) => s.type), ["RUNNING", "CRASHED"]);
      assert.match(states[1]?.message ?? "", /exited before the run finished/);
    } finally {
      await client.close();
    }
  });

  test("ls filters by flow and state, and limits", async () => {
    const ids = (out: string) => out.trimEnd().split("\n").slice(1).map((l) => l.slice(0, 8));
    assert.deepEqual(ids((await run(["ls", "--flow", "etl"], { openClient })).stdout), ["cccc4444", "aaaa2222", "aaaa1111"]);
    assert.deepEqual(ids((await run(["ls", "--state", "failed"], { openClient })).stdout), ["aaaa2222"]);
    assert.deepEqual(
      ids((await run(["ls", "--state", "FAILED,crashed", "--flow", "etl"], { openClient })).stdout),
      ["cccc4444", "aaaa2222"],
    );
    assert.deepEqual(ids((await run(["ls", "--state", "FAILED", "--state", "CRASHED"], { openClient })).stdout), ["cccc4444", "aaaa2222"]);
    assert.deepEqual(ids((await run(["ls", "--limit", "2"], { openClient })).stdout), ["cccc4444", "bbbb3333"]);
    assert.equal((await run(["ls", "--flow", "nope"], { openClient })).stdout, "No flow runs found.\n");
  });

  test("ls refuses a bad --state or --limit", async () => {
    const badState = await run(["ls", "--state", "DONE"], { openClient });
    assert.equal(badState.exitCode, 1);
    assert.match(badState.stderr, /Unknown state type "DONE"; expected one of SCHEDULED, PENDING, RUNNING/);
    const badLimit = await run(["ls", "--limit", "0"], { openClient });
    assert.equal(badLimit.exitCode, 1);
    assert.match(badLimit.stderr, /positive whole number/);
  });

  test("ls --json prints the records", async () => {
    const { stdout } = await run(["ls", "--json", "--flow", "report"], { openClient });
    assert.deepEqual(JSON.parse(stdout), [report]);
  });

  test("ls colours states on a terminal", async () => {
    const { stdout } = await run(["ls"], { openClient, color: true });
    assert.ok(stdout.includes(`${ESC}[32mCOMPLETED`), "green COMPLETED");
    assert.ok(stdout.includes(`${ESC}[31mFAILED`), "red FAILED");
  });

  test("inspect shows the run, its state history, task runs and logs (by id prefix)", async () => {
    const { stdout, exitCode } = await run(["inspect", "aaaa1"], { openClient });
    assert.equal(exitCode, 0);
    assert.match(stdout, /^Flow run aaaa1111-0000-4000-8000-000000000001$/m);
    assert.match(stdout, /^\s+name\s+amber-otter$/m);
    assert.match(stdout, /^\s+flow\s+etl$/m);
    assert.match(stdout, /^\s+parameters\s+\{"day":"2024-01-01"\}$/m);
    assert.match(stdout, /^\s+tags\s+nightly$/m);
    assert.match(stdout, /^\s+duration\s+1\.5s$/m);
    assert.match(stdout, /^State history \(3\)$/m);
    assert.match(stdout, /PENDING[\s\S]*RUNNING[\s\S]*COMPLETED\s+All good/);
    assert.match(stdout, /^Task runs \(1\)$/m);
    assert.match(stdout, /^\s+dddd5555\S*\s+extract-0\s+COMPLETED\s+\S+ \S+\s+250ms$/m);
    assert.match(stdout, /^Logs \(2\)$/m);
    assert.match(stdout, /INFO\s+cairn\.flow_runs\s+Created flow run 'amber-otter'/);
    assert.match(stdout, /WARNING\s+cairn\.task_runs\s+slow source/);
  });

  test("inspect --json prints the run with its states, task runs and logs", async () => {
    const { stdout } = await run(["inspect", etlDone.id, "--json"], { openClient });
    const details = JSON.parse(stdout) as Record<string, unknown[]>;
    assert.deepEqual(details.flowRun, etlDone);
    assert.equal(details.states?.length, 3);
    assert.equal(details.taskRuns?.length, 1);
    assert.equal(details.logs?.length, 2);
  });

  test("inspect of an unknown id says so and points to ls", async () => {
    const { stderr, exitCode, stdout } = await run(["inspect", "zzzz"], { openClient });
    assert.equal(exitCode, 1);
    assert.equal(stdout, "");
    assert.match(stderr, /No flow run has the id or id prefix "zzzz"/);
    assert.match(stderr, /cairn flow-run ls/);
  });

  test("inspect of an ambiguous prefix says so", async () => {
    const { stderr, exitCode, error } = await run(["inspect", "aaaa"], { openClient });
    assert.equal(exitCode, 1);
    assert.ok(error instanceof AmbiguousIdError);
    assert.match(stderr, /"aaaa" matches more than one flow run \(aaaa1111-[^,]+, aaaa2222-/);
  });

  test("an error opening the store reaches the caller as the Cairn error it is", async () => {
    const failing = async (): Promise<OrchestrationClient> => {
      throw new ConfigurationError("CAIRN_API_DATABASE_URL is wrong.");
    };
    const { error } = await run(["ls"], { openClient: failing });
    assert.ok(error instanceof ConfigurationError);
  });

  test("by default it opens the store the CLI's settings name, and writes to the CLI's stdout", async () => {
    const inCli = async (env: Record<string, string>) => {
      let stdout = "";
      const io = {
        env: { CAIRN_HOME: join(dir, "home"), ...env },
        cwd: join(dir, "project"),
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: () => true },
      };
      await runWithIO(io, () => flowRunCommand().parseAsync(["ls"], { from: "user" }));
      return stdout;
    };
    // Relative to the CLI's working directory, as settings resolve it.
    assert.equal(await inCli({ CAIRN_API_DATABASE_URL: "sqlite:///data/store.db" }), "No flow runs found.\n");
    assert.ok(existsSync(join(dir, "project", "data", "store.db")));
    // The default: $CAIRN_HOME/cairn.db.
    await inCli({});
    assert.ok(existsSync(join(dir, "home", "cairn.db")));

    // A PostgreSQL URL: the same service layer, in-process.
    const admin = testPostgresUrl();
    const databaseUrl = await createTestDatabase(admin);
    try {
      assert.equal(await inCli({ CAIRN_API_DATABASE_URL: databaseUrl }), "No flow runs found.\n");
    } finally {
      await dropTestDatabase(admin, databaseUrl);
    }
  });
});
