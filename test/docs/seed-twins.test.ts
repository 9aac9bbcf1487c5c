// The CLI twins of the seed's two settings commands, run as a user would: the real
// `bin/cairn.js` (built) on a fresh CAIRN_HOME, then a flow in a separate process that
// imports "cairn" and picks the settings up from the profile.
//
//   prefect config set PREFECT_RESULTS_PERSIST_BY_DEFAULT="true"
//   prefect config set PREFECT_LOCAL_STORAGE_PATH='/Users/anna/.prefect/results/demo'
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import type { ResultRecord } from "../../src/results/base-result.js";
import { PersistedResultBlob } from "../../src/results/result-blob.js";
import { resolveSerializer } from "../../src/serializers/index.js";
import { filesUnder } from "../results/helpers.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const cairnBin = join(root, "bin", "cairn.js");

// A plain flow with a plain task: nothing in it asks for persistence. It lives inside the
// package folder so that `import "cairn"` resolves to the built package.
const scriptDir = join(root, ".tmp", "seed-twins");
const script = join(scriptDir, "plain-flow.mjs");
mkdirSync(scriptDir, { recursive: true });
writeFileSync(
  script,
  `import { flow, task } from "cairn";
const myTask = task(() => "Hi! 👋");
const alwaysStoreResults = flow(async () => {
  await myTask();
  return "Hi from Results! 👋";
});
const state = await alwaysStoreResults.returnState();
console.log(JSON.stringify(state.data.toRecord()));
`,
);

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cairn-seed-twins-"));
  dirs.push(dir);
  return dir;
}

/** The environment of a user's shell: no CAIRN_* settings but CAIRN_HOME. */
function userEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("CAIRN_")) env[key] = value;
  return { ...env, CAIRN_HOME: home, CAIRN_LOGGING_TO_CONSOLE: "false" };
}

async function cairn(home: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [cairnBin, ...args], { env: userEnv(home), cwd: home, timeout: 60_000 });
  return stdout;
}

/** Runs the plain flow in a new process, in `cwd`; returns the flow's result record. */
async function runPlainFlow(home: string, cwd: string): Promise<ResultRecord> {
  const { stdout } = await run(process.execPath, [script], { env: userEnv(home), cwd, timeout: 60_000 });
  return JSON.parse(stdout) as ResultRecord;
}

/** The files under `dir`, decoded as the seed's read_result does, by file name. */
async function decodeFiles(dir: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const file of filesUnder(dir)) {
    const blob = PersistedResultBlob.parse(JSON.parse(readFileSync(join(dir, file), "utf8")) as unknown);
    out[file] = await resolveSerializer(blob.serializer).loads(blob.data);
  }
  return out;
}

describe("the seed's settings commands, with the real cairn CLI", () => {
  it("cairn config set CAIRN_RESULTS_PERSIST_BY_DEFAULT=true and CAIRN_LOCAL_STORAGE_PATH=...: a plain flow's results land in that folder", async () => {
    const home = tempDir();
    const workdir = tempDir();
    const storagePath = join(home, "results", "demo");

    // Before: nothing persists a plain flow's result.
    assert.deepEqual(await runPlainFlow(home, workdir), { type: "unpersisted" });
    assert.equal(existsSync(join(workdir, ".cairn-results")), false);

    assert.equal(
      await cairn(home, "config", "set", "CAIRN_RESULTS_PERSIST_BY_DEFAULT=true"),
      "Set CAIRN_RESULTS_PERSIST_BY_DEFAULT to 'true'.\nUpdated profile \"default\".\n",
    );
    assert.equal(
      await cairn(home, "config", "set", `CAIRN_LOCAL_STORAGE_PATH=${storagePath}`),
      `Set CAIRN_LOCAL_STORAGE_PATH to '${storagePath}'.\nUpdated profile "default".\n`,
    );
    const view = await cairn(home, "config", "view", "--show-sources");
    assert.match(view, /^CAIRN_RESULTS_PERSIST_BY_DEFAULT='true' \(from profile\)$/m);
    assert.ok(view.includes(`CAIRN_LOCAL_STORAGE_PATH='${storagePath}' (from profile)`), view);

    const record = await runPlainFlow(home, workdir);
    assert.ok(record.type === "reference", JSON.stringify(record));
    const files = await decodeFiles(storagePath);
    assert.deepEqual(Object.values(files).sort(), ["Hi from Results! 👋", "Hi! 👋"], "the task's and the flow's results");
    assert.equal(files[record.storageKey], "Hi from Results! 👋");
    assert.equal(existsSync(join(workdir, ".cairn-results")), false, "nothing in the working directory's default folder");
    assert.equal(await cairn(home, "result", "read", record.storageKey), "Hi from Results! 👋\n");

    // Turned off again, the next run writes nothing more.
    await cairn(home, "config", "unset", "CAIRN_RESULTS_PERSIST_BY_DEFAULT");
    assert.deepEqual(await runPlainFlow(home, workdir), { type: "unpersisted" });
    assert.equal(filesUnder(storagePath).length, 2);
  });
});
