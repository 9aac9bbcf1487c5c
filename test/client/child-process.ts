import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./fixtures/contract-child.ts", import.meta.url));

/** What a contract child process did. */
export interface ChildResult {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs `fixtures/contract-child.ts` with a job; resolves when the process has exited. */
export function runChild(
  child: { opener: string; config: string },
  job: string,
  args: unknown = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", CHILD, child.opener, child.config, job, JSON.stringify(args)],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    proc.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    proc.on("error", reject);
    proc.on("exit", (code, signal) => resolve({ pid: proc.pid ?? -1, code, signal, stderr }));
  });
}
