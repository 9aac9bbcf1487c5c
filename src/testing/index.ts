/**
 * Helpers for testing code that uses Cairn: an engine with its own temporary home,
 * store and result folder.
 *
 * @example
 * ```ts
 * import { createTestEngine } from "cairn/testing";
 * const { engine, cleanup } = createTestEngine();
 * await engine.run(() => myFlow());
 * await cleanup();
 * ```
 * @packageDocumentation
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../engine/engine.js";
import { loadSettings } from "../settings/index.js";

/** An engine on a fresh temporary CAIRN_HOME, and a way to remove it. */
export interface TestEngine {
  engine: Engine;
  /** The temporary CAIRN_HOME (also the parent of the local result folder). */
  home: string;
  /** Environment the engine's settings were loaded from. */
  env: Record<string, string | undefined>;
  /** Closes the engine and deletes its folder. */
  cleanup(): Promise<void>;
}

/**
 * Creates an engine whose store and results live in a new temporary folder.
 * `env` entries are added to (and override) the process environment.
 */
export function createTestEngine(env: Record<string, string | undefined> = {}): TestEngine {
  const home = mkdtempSync(join(tmpdir(), "cairn-test-"));
  const fullEnv: Record<string, string | undefined> = {
    ...process.env,
    CAIRN_HOME: home,
    CAIRN_API_DATABASE_URL: undefined,
    CAIRN_API_URL: undefined,
    CAIRN_PROFILE: undefined,
    CAIRN_LOCAL_STORAGE_PATH: join(home, "results"),
    CAIRN_LOGGING_TO_CONSOLE: "false",
    ...env,
  };
  for (const key of Object.keys(fullEnv)) if (fullEnv[key] === undefined) delete fullEnv[key];
  const engine = new Engine({ settings: loadSettings({ env: fullEnv, cwd: home }) });
  return {
    engine,
    home,
    env: fullEnv,
    cleanup: async () => {
      await engine.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
