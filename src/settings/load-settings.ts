import { resolveEnvOnlySettings, type LoadSettingsOptions } from "./env-only-settings.js";
import { ProfileStore } from "./profile-store.js";
import { resolveSetting } from "./resolve-setting.js";
import type { SettingDefinition } from "./setting-definition.js";
import { SETTING_DEFINITIONS } from "./setting-definitions.js";
import type { SettingOrigin } from "./setting-origin.js";
import type { SettingKey } from "./setting-values.js";
import { SettingsSnapshot, type ResolvedSetting, type ResolvedSettings, type Settings } from "./settings.js";
import { assertProfileSettingKey } from "./validate-setting.js";

/**
 * Resolves and validates every setting: environment variable, then the active profile
 * of `$CAIRN_HOME/profiles.toml`, then the default. Synchronous and cheap: it reads one
 * small file. Throws a `ConfigurationError` for an unknown key in the profile, a bad value,
 * a missing active profile or a malformed profiles file. Unknown `CAIRN_*` environment
 * variables are ignored.
 *
 * @example
 * ```ts
 * const settings = loadSettings({ env: { CAIRN_HOME: "/tmp/cairn", CAIRN_SERVER_PORT: "4300" } });
 * settings.get("CAIRN_SERVER_PORT");    // 4300
 * settings.source("CAIRN_SERVER_PORT"); // "env"
 * ```
 */
export function loadSettings(options: LoadSettingsOptions = {}): Settings {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const envOnly = resolveEnvOnlySettings({ env, cwd });
  const home = envOnly.CAIRN_HOME.value;

  const store = new ProfileStore(home);
  const document = store.read();
  const active = store.active(document, envOnly.CAIRN_PROFILE.value);
  const values = store.values(document, active.name);
  const profileOrigin: SettingOrigin = { kind: "profile", profile: active.name, file: store.file };
  for (const key of Object.keys(values)) assertProfileSettingKey(key, profileOrigin);

  const resolved: Partial<Record<SettingKey, ResolvedSetting>> = { ...envOnly };
  for (const definition of Object.values(SETTING_DEFINITIONS) as SettingDefinition[]) {
    resolved[definition.key] ??= resolveSetting(definition, env, values, profileOrigin, { cwd, home });
  }
  return new SettingsSnapshot(resolved as ResolvedSettings, active.name);
}
