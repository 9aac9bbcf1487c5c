import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { testPostgresUrl, type TestBackend } from "./test-backend.js";

interface Harness {
  baseUrl: string;
  child: ChildProcess;
}

const harnesses = new Map<TestBackend, Harness>();
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * The API URL of a new, empty test store on the test server of `backend`, which is
 * started (synchronously, once per process) on first use: `CAIRN_API_URL` for a test
 * engine. With `dir`, an `http-sqlite` store keeps its database at `<dir>/cairn.db`.
 * Release the store with {@link disposeTestStore}.
 *
 * @example
 * ```ts
 * const url = testStoreUrl("http-postgres");
 * const client = new HttpClient({ url });
 * // ...
 * await client.close();
 * await disposeTestStore(url);
 * ```
 */
export function testStoreUrl(backend: Exclude<TestBackend, "embedded">, dir?: string): string {
  const spec = dir === undefined || backend !== "http-sqlite" ? { id: randomUUID() } : { dir };
  const key = Buffer.from(JSON.stringify(spec), "utf8").toString("base64url");
  return `${harness(backend).baseUrl}/t/${key}/api`;
}

/**
 * Closes a test store (and drops its PostgreSQL database).
 *
 * @example
 * ```ts
 * await disposeTestStore(testStoreUrl("http-sqlite"));
 * ```
 */
export async function disposeTestStore(apiUrl: string): Promise<void> {
  const storeUrl = apiUrl.replace(/\/api\/?$/, "");
  const response = await fetch(storeUrl, { method: "DELETE" });
  if (!response.ok) throw new Error(`Could not dispose of the test store ${storeUrl}: HTTP ${response.status}.`);
}

/** The harness of `backend`, started and waited for synchronously on first use. */
function harness(backend: Exclude<TestBackend, "embedded">): Harness {
  const running = harnesses.get(backend);
  if (running !== undefined) return running;
  const dir = mkdtempSync(join(tmpdir(), "cairn-test-server-"));
  const portFile = join(dir, "port");
  const entry = fileURLToPath(new URL(`./test-server-harness${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url));
  const loader = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...loader, entry, backend, portFile, testPostgresUrl()], {
    stdio: ["pipe", "ignore", "inherit"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  // Neither the child nor its stdin keep this process alive; when this process ends, the
  // child's stdin closes and it shuts down.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(portFile)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`The ${backend} test server did not start within ${STARTUP_TIMEOUT_MS / 1000} s.`);
    }
    Atomics.wait(sleeper, 0, 0, 20);
  }
  const port = readFileSync(portFile, "utf8").trim();
  rmSync(dir, { recursive: true, force: true });
  const started = { baseUrl: `http://127.0.0.1:${port}`, child };
  harnesses.set(backend, started);
  return started;
}
