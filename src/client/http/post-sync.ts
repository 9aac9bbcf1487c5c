import { spawnSync } from "node:child_process";

/** One request of a synchronous send. */
export interface SyncRequest {
  url: string;
  headers: Readonly<Record<string, string>>;
  /** JSON text. */
  body: string;
}

/**
 * The helper run by {@link postSync}: reads `{ requests }` on stdin and POSTs them in
 * order, retrying a failed one for up to two seconds; exits 0 when every one succeeded.
 */
const HELPER = `
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { requests } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
for (const r of requests) {
  const deadline = Date.now() + 2000;
  for (;;) {
    let problem;
    try {
      const res = await fetch(r.url, { method: "POST", headers: { ...r.headers, "content-type": "application/json" }, body: r.body });
      if (res.ok) break;
      problem = "HTTP " + res.status + ": " + (await res.text()).slice(0, 300);
      if (res.status < 500) { process.stderr.write(problem); process.exit(2); }
    } catch (err) {
      problem = String(err && err.cause ? err.cause.message : err);
    }
    if (Date.now() > deadline) { process.stderr.write(problem); process.exit(3); }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
`;

/** What a synchronous send did. */
export interface SyncOutcome {
  ok: boolean;
  /** Why it failed, when it did. */
  error?: string;
}

/**
 * POSTs JSON requests synchronously, by running a short-lived Node process that sends
 * them (Node has no synchronous HTTP): used by `HttpClient.flushSync()` when the process
 * is exiting, where no asynchronous work can run any more. Takes about 50-100 ms.
 *
 * @param timeoutMs the most the whole send may take.
 * @example
 * ```ts
 * postSync([{ url: "http://127.0.0.1:4200/api/writes", headers: {}, body }], 5000).ok;
 * ```
 */
export function postSync(requests: readonly SyncRequest[], timeoutMs: number): SyncOutcome {
  if (requests.length === 0) return { ok: true };
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // no loaders, no inspector: a bare Node is enough and starts fastest
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", HELPER], {
    input: JSON.stringify({ requests }),
    env,
    timeout: timeoutMs,
    stdio: ["pipe", "ignore", "pipe"],
    windowsHide: true,
  });
  if (result.status === 0) return { ok: true };
  const reason = result.error?.message ?? (result.stderr?.toString("utf8").trim() || `exit code ${String(result.status)}`);
  return { ok: false, error: reason };
}
