import { Command } from "commander";
import {
  isSettingKey,
  profileNames,
  ProfileStore,
  resolveEnvOnlySettings,
  SETTING_DEFINITIONS,
  type EnvOnlySettings,
} from "../../settings/index.js";
import { cliIO, colors, formatAssignment, print, warn } from "../output.js";

/**
 * `cairn profile ls|create|use|delete|inspect`: manage the profiles of `$CAIRN_HOME/profiles.toml`.
 *
 * @example
 * ```sh
 * cairn profile create dev --from default
 * cairn profile use dev
 * cairn profile ls
 * ```
 */
export function profileCommand(): Command {
  const profile = new Command("profile").description("Manage profiles: named sets of settings.");

  profile
    .command("ls")
    .description("List the profiles; the active one is marked with *.")
    .action(() => {
      const { store, env } = openStore();
      const document = store.read();
      const active = env.CAIRN_PROFILE.value ?? document.active;
      const c = colors();
      for (const name of profileNames(document)) {
        print(name === active ? `${c.green("*")} ${c.bold(name)}` : `  ${name}`);
      }
      if (env.CAIRN_PROFILE.value !== undefined) {
        print(c.dim(`(CAIRN_PROFILE selects "${active}"; profiles.toml marks "${document.active}" as active)`));
      }
      if (!profileNames(document).includes(active)) {
        warn(`the active profile "${active}" does not exist. Create it with \`cairn profile create ${active}\`.`);
      }
    });

  profile
    .command("create")
    .description("Create a profile (empty, or a copy of another one). It does not become active.")
    .argument("<NAME>", "the new profile's name")
    .option("--from <OTHER>", "copy the settings of this profile")
    .action((name: string, options: { from?: string }) => {
      const { store } = openStore();
      const values = store.create(name, options);
      const copied = options.from === undefined ? "" : ` from "${options.from}" (${Object.keys(values).length} settings)`;
      print(`Created profile "${name}"${copied}.`);
      print(`Switch to it with \`cairn profile use ${name}\`, or use it for one command with \`cairn --profile ${name} ...\`.`);
    });

  profile
    .command("use")
    .description("Make a profile the active one.")
    .argument("<NAME>", "the profile to use")
    .action((name: string) => {
      const { store, env } = openStore();
      store.use(name);
      print(`Now using profile "${name}".`);
      const fromEnv = env.CAIRN_PROFILE.value;
      if (fromEnv !== undefined && fromEnv !== name) {
        warn(`CAIRN_PROFILE is set to "${fromEnv}" in the environment and overrides the active profile; unset it to use "${name}".`);
      }
    });

  profile
    .command("delete")
    .description("Delete a profile (not the active one).")
    .argument("<NAME>", "the profile to delete")
    .action((name: string) => {
      const { store, env } = openStore();
      store.delete(name, { envProfile: env.CAIRN_PROFILE.value });
      print(`Deleted profile "${name}".`);
    });

  profile
    .command("inspect")
    .description("Show the settings stored in a profile (the active one by default).")
    .argument("[NAME]", "the profile to show")
    .option("--show-secrets", "show secret values instead of ********")
    .action((name: string | undefined, options: { showSecrets?: boolean }) => {
      const { store, env } = openStore();
      const document = store.read();
      const active = env.CAIRN_PROFILE.value ?? document.active;
      const shown = name ?? active;
      const values = store.values(document, shown);
      const keys = Object.keys(values);
      const marker = shown === active ? " (active)" : "";
      print(keys.length === 0 ? `Profile "${shown}"${marker} has no settings.` : `Profile "${shown}"${marker}:`);
      for (const key of keys) {
        const secret = isSettingKey(key) && SETTING_DEFINITIONS[key].secret && options.showSecrets !== true;
        print(formatAssignment(key, secret ? "********" : (values[key] ?? "")));
      }
    });

  return profile;
}

function openStore(): { store: ProfileStore; env: EnvOnlySettings } {
  const io = cliIO();
  const env = resolveEnvOnlySettings({ env: io.env, cwd: io.cwd });
  return { store: new ProfileStore(env.CAIRN_HOME.value), env };
}
