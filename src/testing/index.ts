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
import { testBackend } from "./backends/test-backend.js";
import { disposeTestStore, testStoreUrl } from "./backends/test-server-process.js";

export { TEST_BACKENDS, testBackend, testPostgresUrl, type TestBackend } from "./backends/test-backend.js";
export { disposeTestStore, testStoreUrl } from "./backends/test-server-process.js";

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
 *
 * `CAIRN_TEST_BACKEND` (in `env` or the process environment) picks where its metadata
 * goes: `embedded` (default, SQLite in the folder), `http-sqlite` or `http-postgres` (the
 * HTTP client, against a Cairn test server on SQLite or on a fresh PostgreSQL database;
 * `CAIRN_API_URL` is then set in {@link TestEngine.env}, so child processes started with
 * that environment reach the same store).
 *
 * @example
 * ```ts
 * const t = createTestEngine({ CAIRN_TEST_BACKEND: "http-postgres" });
 * await t.engine.run(() => myFlow());
 * await t.cleanup();
 * ```
 */
export function createTestEngine(env: Record<string, string | undefined> = {}): TestEngine {
  const home = mkdtempSync(join(tmpdir(), "cairn-test-"));
  const backend = testBackend({ ...process.env, ...env });
  // The server's SQLite file lives in the test's folder too (as the embedded store's does).
  const apiUrl = backend === "embedded" ? undefined : testStoreUrl(backend, home);
  // The test server opens a store on its first request (a PostgreSQL one creates a database):
  // start that now, so that it is ready before the test (or a child process of it) writes.
  if (apiUrl !== undefined) void fetch(`${apiUrl}/health`).then((r) => r.body?.cancel(), () => undefined);
  const fullEnv: Record<string, string | undefined> = {
    ...process.env,
    CAIRN_HOME: home,
    CAIRN_API_DATABASE_URL: undefined,
    CAIRN_API_URL: undefined,
    CAIRN_PROFILE: undefined,
    CAIRN_LOCAL_STORAGE_PATH: join(home, "results"),
    CAIRN_LOGGING_TO_CONSOLE: "false",
    ...env,
    ...(apiUrl === undefined ? {} : { CAIRN_API_URL: apiUrl }),
  };
  for (const key of Object.keys(fullEnv)) if (fullEnv[key] === undefined) delete fullEnv[key];
  const engine = new Engine({ settings: loadSettings({ env: fullEnv, cwd: home }) });
  return {
    engine,
    home,
    env: fullEnv,
    cleanup: async () => {
      try {
        await engine.close();
      } finally {
        if (apiUrl !== undefined) await disposeTestStore(apiUrl);
        rmSync(home, { recursive: true, force: true });
      }
    },
  };
}
