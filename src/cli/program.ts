import { Command } from "commander";
import { blockCommand } from "./commands/block.js";
import { configCommand } from "./commands/config.js";
import { flowRunCommand } from "./commands/flow-run.js";
import { profileCommand } from "./commands/profile.js";
import { resultCommand } from "./commands/result.js";
import { serverCommand } from "./commands/server.js";
import { resultsCommand } from "./commands/results-prune.js";
import { cairnVersion, versionCommand } from "./commands/version.js";
import { workerCommand } from "./commands/worker.js";
import { cliIO, colors } from "./output.js";

/**
 * The subcommands of `cairn`, in help order. Each file in `commands/` exports a factory;
 * add new commands here.
 */
const COMMANDS: readonly (() => Command)[] = [configCommand, profileCommand, () => flowRunCommand(), resultCommand, resultsCommand, blockCommand, () => serverCommand(), () => workerCommand(), versionCommand];

/**
 * Builds the `cairn` command-line program. Output goes to the current CLI IO (see `cliIO`),
 * and commander never exits the process: errors are thrown as `CommanderError`s for `main`.
 *
 * @example
 * ```ts
 * await createProgram().parseAsync(["node", "cairn", "config", "view"]);
 * ```
 */
export function createProgram(): Command {
  const program = new Command("cairn")
    .description("Workflow orchestration for TypeScript with first-class results.")
    .version(cairnVersion(), "-V, --version", "print the Cairn version")
    .option("-p, --profile <NAME>", "use this profile for this command (like CAIRN_PROFILE=NAME)")
    .hook("preAction", (root) => {
      const profile = (root.opts() as { profile?: string }).profile;
      if (profile !== undefined) cliIO().env = { ...cliIO().env, CAIRN_PROFILE: profile };
    });
  for (const command of COMMANDS) program.addCommand(command());
  configureTree(program);
  return program;
}

/** Applies the settings `addCommand` does not pass down to every command of the tree. */
function configureTree(command: Command): void {
  command
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => cliIO().stdout.write(text),
      writeErr: (text) => cliIO().stderr.write(text),
      outputError: (text, write) => write(colors("stderr").red(text)),
    });
  for (const sub of command.commands) configureTree(sub);
}
