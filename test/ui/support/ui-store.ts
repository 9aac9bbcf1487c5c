// A store with the UI's flows in it: a test engine (fresh CAIRN_HOME, embedded SQLite,
// local results) that ran them, and the settings a server on that home reads.
import { join } from "node:path";
import { loadSettings, type Settings } from "../../../src/index.js";
import { createTestEngine, type TestEngine } from "../../../src/testing/index.js";
import { runUiFlows, type UiRuns } from "./ui-runs.js";

export interface UiStore {
  t: TestEngine;
  runs: UiRuns;
  /** Settings of a server on the same CAIRN_HOME (plus `env`). */
  settings(env?: Record<string, string>): Settings;
  cleanup(): Promise<void>;
}

/** Runs the UI's flows in a fresh home; `env` is added to the engine's environment. */
export async function uiStore(env: Record<string, string> = {}): Promise<UiStore> {
  const t = createTestEngine({ CAIRN_TEST_BACKEND: "embedded", ...env });
  const runs = await runUiFlows(t.engine, join(t.home, "results"));
  await (await t.engine.client()).flush();
  return {
    t,
    runs,
    settings: (extra = {}) => loadSettings({ env: { ...t.env, ...extra }, cwd: t.home }),
    cleanup: () => t.cleanup(),
  };
}
