// `cairn server start` marks runs left RUNNING by killed processes of its host CRASHED,
// without any client asking (issue 10, defect 2).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openEmbeddedClient } from "../../src/client/embedded/open-embedded-client.js";
import { startServer } from "../../src/server/start-server.js";
import { loadSettings } from "../../src/settings/index.js";
import { makeFlowRun, makeState } from "../client/fixtures/records.js";

test("a server started on a store marks the runs of dead processes on its host CRASHED", async () => {
  const home = mkdtempSync(join(tmpdir(), "cairn-sweep-"));
  try {
    const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid as number; // exited: its pid is free
    const store = await openEmbeddedClient({ path: join(home, "cairn.db") });
    const dead = makeFlowRun({ owner: { host: hostname(), pid: deadPid, engineId: "killed" } });
    const elsewhere = makeFlowRun({ owner: { host: `not-${hostname()}`, pid: deadPid, engineId: "other-host" } });
    store.recordFlowRun(dead);
    store.recordFlowRun(elsewhere);
    store.recordState(makeState("RUNNING", { flowRunId: dead.id }));
    await store.close();

    const server = await startServer({ settings: loadSettings({ env: { CAIRN_HOME: home } }), port: 0, log: () => undefined });
    try {
      const deadline = Date.now() + 5000;
      let run = await server.service.readFlowRun(dead.id);
      while (run?.stateType !== "CRASHED" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        run = await server.service.readFlowRun(dead.id);
      }
      assert.equal(run?.stateType, "CRASHED");
      assert.match(run?.stateMessage ?? "", new RegExp(`pid ${deadPid} on host .* exited before the run finished`));
      assert.deepEqual((await server.service.readStates(dead.id)).map((s) => s.type), ["RUNNING", "CRASHED"]);
      assert.equal((await server.service.readFlowRun(elsewhere.id))?.stateType, "RUNNING", "another host's runs are left alone");
    } finally {
      await server.close();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
