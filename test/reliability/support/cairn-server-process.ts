import { spawn, type ChildProcess } from "node:child_process";

/** A `cairn server start` running in its own process. */
export interface CairnServerProcess {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  child: ChildProcess;
  /** What the server wrote to stderr so far (failures it logged). */
  stderr(): string;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `cairn server start --port PORT` (0: a free one) from the sources, with exactly
 * `env` as its settings (plus PATH); resolves once it prints where it listens.
 *
 * @example
 * ```ts
 * const server = await startCairnServer({ CAIRN_HOME: home }, 0);
 * await fetch(`${server.url}/api/health`);
 * await server.stop();
 * ```
 */
export async function startCairnServer(env: Record<string, string>, port = 0): Promise<CairnServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/server/fixtures/cli.ts", "server", "start", "--host", "127.0.0.1", "--port", String(port)], {
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", CAIRN_LOGGING_TO_CONSOLE: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match !== null) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`cairn server start exited before listening:\n${out}\n${err}`)));
  });
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  return {
    url,
    port: Number(new URL(url).port),
    child,
    stderr: () => err,
    kill: async () => {
      if (!ended()) child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (!ended()) child.kill("SIGTERM");
      await exited;
    },
  };
}
