/**
 * Runs the engine, results and caching suites against another metadata backend: sets
 * `CAIRN_TEST_BACKEND` (read by `createTestEngine()`), then imports every `*.test.ts` of
 * those folders into this test process, so their tests register here under that backend.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TestBackend } from "../../../src/testing/index.js";

/** The folders (under `test/`) whose suites run on every backend. */
export const SHARED_SUITES = ["engine", "results", "caching"] as const;

/** Imports the shared suites with `backend` selected. */
export async function importSuites(backend: TestBackend): Promise<void> {
  // Every suite's engines live in this one process (each installs its exit hooks).
  process.setMaxListeners(100);
  process.env.CAIRN_TEST_BACKEND = backend;
  for (const folder of SHARED_SUITES) {
    const dir = fileURLToPath(new URL(`../../${folder}/`, import.meta.url));
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith(".test.ts")) await import(pathToFileURL(dir + file).href);
    }
  }
}
