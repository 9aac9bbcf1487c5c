import { AsyncLocalStorage } from "node:async_hooks";
import pc from "picocolors";
import { isCairnError } from "../errors/cairn-error.js";
import { loadSettings, type Settings } from "../settings/index.js";

/** Where the CLI writes text: `process.stdout`, or anything with `write` (tests). */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * What a CLI command reads and writes: its environment, working directory and output streams.
 * `main()` provides one per invocation, so tests can run commands in-process side by side.
 */
export interface CliIO {
  /** The environment variables settings are read from (`--profile` sets `CAIRN_PROFILE` here). */
  env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

const current = new AsyncLocalStorage<CliIO>();

/** The IO of the real process. */
export function processIO(): CliIO {
  return { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
}

/** Runs `fn` with `io` as the CLI IO of everything it calls (see {@link cliIO}). */
export function runWithIO<T>(io: CliIO, fn: () => T): T {
  return current.run(io, fn);
}

/** The IO of the command being run (the process's own outside `main`). */
export function cliIO(): CliIO {
  return current.getStore() ?? processIO();
}

/**
 * Loads the settings of the command being run (from its IO's environment and cwd).
 *
 * @example
 * ```ts
 * .action(() => { const settings = cliSettings(); print(settings.get("CAIRN_API_URL") ?? "embedded"); })
 * ```
 */
export function cliSettings(): Settings {
  const io = cliIO();
  return loadSettings({ env: io.env, cwd: io.cwd });
}

/** Writes a line to stdout. */
export function print(text = ""): void {
  cliIO().stdout.write(`${text}\n`);
}

/** Writes a line to stderr. */
export function printError(text: string): void {
  cliIO().stderr.write(`${text}\n`);
}

/** Writes `Warning: <text>` to stderr. */
export function warn(text: string): void {
  printError(`${colors("stderr").yellow("Warning:")} ${text}`);
}

/**
 * Whether to colour a stream: never with `NO_COLOR`, always with `FORCE_COLOR` (not `0`),
 * else only on a terminal.
 */
export function useColor(stream: "stdout" | "stderr" = "stdout"): boolean {
  const io = cliIO();
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  return io[stream].isTTY === true;
}

/**
 * Picocolors functions for a stream; plain identity functions when it gets no colour.
 *
 * @example
 * ```ts
 * const c = colors();
 * print(`${c.green("*")} ${name}`);
 * ```
 */
export function colors(stream: "stdout" | "stderr" = "stdout"): ReturnType<typeof pc.createColors> {
  return pc.createColors(useColor(stream));
}

/** Options of {@link renderTable}. */
export interface TableOptions {
  /** Column titles, printed first. */
  header?: readonly string[];
  /** Alignment per column. @default "left" for every column */
  align?: readonly ("left" | "right")[];
  /** Spaces between columns. @default 2 */
  gap?: number;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Renders rows as aligned columns (ANSI colour codes do not count toward widths).
 * The last column is not padded. Returns the lines joined with `\n`, without a final newline.
 *
 * @example
 * ```ts
 * print(renderTable([["a1b2", "COMPLETED"], ["c3", "FAILED"]], { header: ["ID", "STATE"] }));
 * // ID    STATE
 * // a1b2  COMPLETED
 * // c3    FAILED
 * ```
 */
export function renderTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const all = options.header === undefined ? rows : [options.header, ...rows];
  const widths: number[] = [];
  for (const row of all) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  }
  const gap = " ".repeat(options.gap ?? 2);
  return all
    .map((row) =>
      row
        .map((cell, i) => {
          const padding = " ".repeat((widths[i] ?? 0) - visibleLength(cell));
          if (options.align?.[i] === "right") return padding + cell;
          return i === row.length - 1 ? cell : cell + padding;
        })
        .join(gap),
    )
    .join("\n");
}

function visibleLength(text: string): number {
  return text.replace(ANSI, "").length;
}

/**
 * Quotes a value for display as `KEY='value'` (shell-style single quotes).
 *
 * @example
 * ```ts
 * formatAssignment("CAIRN_SERVER_PORT", "4200"); // "CAIRN_SERVER_PORT='4200'"
 * ```
 */
export function formatAssignment(key: string, value: string): string {
  return `${key}='${value.replaceAll("'", "'\\''")}'`;
}

/**
 * The text the CLI prints for an error: a Cairn error's message (with its stack and causes
 * when `debug`), or the stack of an unexpected error.
 */
export function formatError(error: unknown, options: { debug?: boolean; color?: boolean } = {}): string {
  const c = pc.createColors(options.color ?? false);
  if (isCairnError(error)) {
    const head = `${c.red(c.bold("Error:"))} ${error.message}`;
    return options.debug === true ? `${head}\n${describeStack(error)}` : head;
  }
  return `${c.red(c.bold("Unexpected error:"))} ${error instanceof Error ? describeStack(error) : String(error)}`;
}

function describeStack(error: Error): string {
  let text = error.stack ?? `${error.name}: ${error.message}`;
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    text += `\nCaused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}
