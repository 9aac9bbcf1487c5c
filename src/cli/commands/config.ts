import { Command } from "commander";
import {
  loadSettings,
  ProfileStore,
  resolveEnvOnlySettings,
  SETTING_DEFINITIONS,
  SETTING_KEYS,
  type SettingKey,
  type Settings,
} from "../../settings/index.js";
import { cliIO, colors, formatAssignment, print, warn } from "../output.js";

/**
 * `cairn config set|unset|view`: read and change the settings of the active profile.
 *
 * @example
 * ```sh
 * cairn config set CAIRN_API_URL=http://127.0.0.1:4200/api CAIRN_SERVER_PORT=4300
 * cairn config unset CAIRN_SERVER_PORT
 * cairn config view --show-sources
 * ```
 */
export function configCommand(): Command {
  const config = new Command("config").description("View and change settings in the active profile.");

  config
    .command("set")
    .description("Set settings in the active profile (each value is validated before anything is written).")
    .argument("<KEY=VALUE...>", "settings to set, e.g. CAIRN_SERVER_PORT=4300")
    .addHelpText("after", "\nExample:\n  cairn config set CAIRN_API_URL=http://127.0.0.1:4200/api CAIRN_LOGGING_LEVEL=DEBUG")
    .action((assignments: string[], _options: unknown, command: Command) => {
      const values: Record<string, string> = {};
      for (const assignment of assignments) {
        const equals = assignment.indexOf("=");
        if (equals <= 0) {
          command.error(`error: expected KEY=VALUE, got "${assignment}"`, { exitCode: 2, code: "cairn.usage" });
        }
        values[assignment.slice(0, equals).trim()] = assignment.slice(equals + 1);
      }
      const { store, profile } = activeProfileStore();
      store.set(profile, values, { kind: "input", description: "given to `cairn config set`" });
      for (const [key, value] of Object.entries(values)) {
        print(`Set ${key} to ${quote(displayValue(key as SettingKey, value, false))}.`);
      }
      print(`Updated profile "${profile}".`);
      warnAboutEnvOverrides(Object.keys(values), "set");
    });

  config
    .command("unset")
    .description("Remove settings from the active profile, so they fall back to their defaults.")
    .argument("<KEY...>", "settings to remove")
    .action((keys: string[]) => {
      const { store, profile } = activeProfileStore();
      store.unset(profile, keys);
      for (const key of keys) print(`Unset ${key}.`);
      print(`Updated profile "${profile}".`);
      warnAboutEnvOverrides(keys, "unset");
    });

  config
    .command("view")
    .description("Show the settings in effect: from the environment and the active profile.")
    .option("--show-defaults", "also show settings left at their default")
    .option("--show-sources", "say where each value comes from (env, profile, default)")
    .option("--show-secrets", "show secret values instead of ********")
    .action((options: { showDefaults?: boolean; showSources?: boolean; showSecrets?: boolean }) => {
      const io = cliIO();
      const settings = loadSettings({ env: io.env, cwd: io.cwd });
      const c = colors();
      const chosenBy = settings.source("CAIRN_PROFILE") === "env" ? " (chosen by CAIRN_PROFILE or --profile)" : "";
      print(c.dim(`Active profile: ${settings.profileName}${chosenBy}`));
      print(c.dim(`Profiles file: ${new ProfileStore(settings.home).file}`));
      print(c.dim("Environment variables override the profile's values."));
      print();
      let shown = 0;
      for (const key of SETTING_KEYS) {
        const source = settings.source(key);
        if (source === "default" && options.showDefaults !== true) continue;
        const value = formatValue(settings, key, options.showSecrets === true);
        const line = value === undefined ? `${key}=(unset)` : formatAssignment(key, value);
        print(options.showSources === true ? `${line} ${c.dim(`(from ${source})`)}` : line);
        shown++;
      }
      if (shown === 0) print("No settings are set; run `cairn config view --show-defaults` to see every value.");
    });

  return config;
}

/** The profile store and the profile `config set/unset` write to (does not validate its values). */
function activeProfileStore(): { store: ProfileStore; profile: string } {
  const io = cliIO();
  const envOnly = resolveEnvOnlySettings({ env: io.env, cwd: io.cwd });
  const store = new ProfileStore(envOnly.CAIRN_HOME.value);
  const profile = store.active(store.read(), envOnly.CAIRN_PROFILE.value).name;
  return { store, profile };
}

function warnAboutEnvOverrides(keys: readonly string[], action: "set" | "unset"): void {
  const env = cliIO().env;
  for (const key of new Set(keys)) {
    if (env[key] === undefined) continue;
    warn(
      action === "set"
        ? `${key} is also set by an environment variable, which overrides the profile's value. ` +
            `Run \`unset ${key}\` in your shell to use the profile's value.`
        : `${key} is still set by an environment variable, whose value stays in effect.`,
    );
  }
}

function formatValue(settings: Settings, key: SettingKey, showSecrets: boolean): string | undefined {
  const value = settings.get(key);
  return value === undefined ? undefined : displayValue(key, String(value), showSecrets);
}

function displayValue(key: SettingKey, value: string, showSecrets: boolean): string {
  if (showSecrets) return value;
  const definition = SETTING_DEFINITIONS[key];
  if (definition.secret) return "********";
  return definition.redact?.(value) ?? value;
}

function quote(value: string): string {
  return `'${value}'`;
}
