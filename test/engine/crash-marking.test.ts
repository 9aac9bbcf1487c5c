import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Engine, flow } from "../../src/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

/** Starts the crash child, waits until its task runs, then ends it the given way. */
async function runChild(mode: "wait" | "exit", signal?: NodeJS.Signals): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/crash-child.ts", mode], {
    env: t.env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("started")) resolve();
    });
    void exited.then(() => resolve());
    child.on("error", reject);
  });
  // Wait until the store shows the RUNNING states (written by the child's store timer).
  if (signal !== undefined) await runningInStore();
  if (signal !== undefined) child.kill(signal);
  await exited;
}

/** Resolves once the newest "crashing-flow" run and a task run of it are RUNNING in the store (5 s at most). */
async function runningInStore(): Promise<void> {
  const client = await t.engine.client();
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const [run] = await client.readFlowRuns({ flowName: "crashing-flow", limit: 1 });
    if (run?.stateType === "RUNNING") {
      const tasks = await client.readTaskRuns({ flowRunId: run.id });
      if (tasks.some((task) => task.stateType === "RUNNING")) return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("runs of a process that dies do not stay RUNNING forever", () => {
  it("a process killed with SIGKILL: its runs are marked CRASHED on the next look", async () => {
    await runChild("wait", "SIGKILL");
    const client = await t.engine.client();
    const [before] = await client.readFlowRuns({ flowName: "crashing-flow", limit: 1 });
    assert.equal(before?.stateType, "RUNNING");
    const marked = await client.markOrphanedRunsCrashed();
    assert.ok(marked >= 2, `marked ${marked}`);
    const [run] = await client.readFlowRuns({ flowName: "crashing-flow", limit: 1 });
    assert.equal(run?.stateType, "CRASHED");
    assert.match(run?.stateMessage ?? "", /exited before the run finished/);
    const taskRuns = await client.readTaskRuns({ flowRunId: run!.id });
    assert.ok(taskRuns.every((r) => r.stateType === "CRASHED"));
  });

  it("a fresh engine on the same store marks a killed process's runs CRASHED by itself", async () => {
    await runChild("wait", "SIGKILL");
    const probe = await t.engine.client();
    const [dead] = await probe.readFlowRuns({ flowName: "crashing-flow", limit: 1 });
    assert.equal(dead?.stateType, "RUNNING");
    // A new engine (as a new script would start) runs an unrelated flow; nobody calls markOrphanedRunsCrashed().
    const fresh = new Engine({ settings: t.engine.settings });
    try {
      await fresh.run(() => flow({ name: "unrelated" }, () => 1)());
      const client = await fresh.client();
      const deadline = Date.now() + 5000;
      let run = await client.readFlowRun(dead!.id);
      while (run?.stateType !== "CRASHED" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        run = await client.readFlowRun(dead!.id);
      }
      assert.equal(run?.stateType, "CRASHED");
      assert.match(run?.stateMessage ?? "", /exited before the run finished/);
      const taskRuns = await client.readTaskRuns({ flowRunId: dead!.id });
      assert.ok(taskRuns.length > 0 && taskRuns.every((r) => r.stateType === "CRASHED"));
    } finally {
      await fresh.close();
    }
  });

  it("a process stopped with SIGTERM marks its own runs CRASHED before it goes", async () => {
    await runChild("wait", "SIGTERM");
    const client = await t.engine.client();
    const [run] = await client.readFlowRuns({ flowName: "crashing-flow", limit: 1 });
    assert.equal(run?.stateType, "CRASHED");
    assert.match(run?.stateMessage ?? "", /received SIGTERM/);
  });

  it("a process that calls process.exit() mid-run marks its runs CRASHED", async () => {
    await runChild("exit");
    const client = await t.engine.client();
    const [run] = await client.readFlowRuns({ flowName: "crashing-flow", limit: 1 });
    assert.equal(run?.stateType, "CRASHED");
    assert.match(run?.stateMessage ?? "", /exited \(code 3\)/);
  });
});
