import { CommanderError } from "commander";
import { type CliIO, formatError, type OutputStream, processIO, runWithIO, useColor } from "./output.js";
import { createProgram } from "./program.js";

/** Exit codes of `cairn`. */
export const EXIT_OK = 0;
/** A command failed (a Cairn error, or an unexpected one). */
export const EXIT_FAILURE = 1;
/** The command line was wrong: unknown command or option, missing argument. */
export const EXIT_USAGE = 2;

/**
 * Runs the `cairn` CLI and returns its exit code (0 ok, 1 runtime error, 2 usage error).
 * Never throws and never exits the process. Cairn errors print their message alone
 * (with the stack when `CAIRN_DEBUG=1`); unexpected errors print their stack.
 *
 * @param argv - `process.argv`: the node binary and the script come first.
 * @param io - overrides of the environment, working directory and output streams (tests).
 * @example
 * ```ts
 * process.exitCode = await main(process.argv);
 * ```
 */
export async function main(argv: readonly string[], io: Partial<CliIO> = {}): Promise<number> {
  const context: CliIO = { ...processIO(), ...io };
  return runWithIO(context, async () => {
    try {
      await createProgram().parseAsync(argv);
      return EXIT_OK;
    } catch (error) {
      if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      const debug = context.env.CAIRN_DEBUG === "1" || context.env.CAIRN_DEBUG === "true";
      context.stderr.write(`${formatError(error, { debug, color: useColor("stderr") })}\n`);
      return EXIT_FAILURE;
    }
  });
}

/** What {@link runCli} captured. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `cairn` in-process with the given arguments and captures its output (for tests).
 * The environment is only what `options.env` holds, so nothing leaks in from the real
 * process; it must set `CAIRN_HOME` (a temporary folder), so a test never touches `~/.cairn`.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runCli(["config", "view"], { env: { CAIRN_HOME: tmp } });
 * ```
 */
export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliRun> {
  if (options.env?.CAIRN_HOME === undefined) {
    throw new Error("runCli needs options.env.CAIRN_HOME (a temporary folder), so tests never touch ~/.cairn.");
  }
  const stdout = capture();
  const stderr = capture();
  const code = await main(["node", "cairn", ...args], {
    env: options.env,
    cwd: options.cwd ?? process.cwd(),
    stdout,
    stderr,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function capture(): OutputStream & { text(): string } {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text), text: () => chunks.join("") };
}
