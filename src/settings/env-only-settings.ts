import { resolveSetting } from "./resolve-setting.js";
import { defaultCairnHome, SETTING_DEFINITIONS } from "./setting-definitions.js";
import type { ResolvedSetting } from "./settings.js";

/** Where settings are read from. */
export interface LoadSettingsOptions {
  /** The environment variables. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths are resolved against. @default process.cwd() */
  cwd?: string;
}

/** The two settings only the environment can set. */
export interface EnvOnlySettings {
  readonly CAIRN_HOME: ResolvedSetting<"CAIRN_HOME">;
  readonly CAIRN_PROFILE: ResolvedSetting<"CAIRN_PROFILE">;
}

/**
 * Resolves `CAIRN_HOME` and `CAIRN_PROFILE` alone, without reading the profiles file:
 * what the profile commands need to find the profiles even when a profile holds a bad value.
 *
 * @example
 * ```ts
 * const { CAIRN_HOME } = resolveEnvOnlySettings({ env: process.env });
 * const store = new ProfileStore(CAIRN_HOME.value);
 * ```
 */
export function resolveEnvOnlySettings(options: LoadSettingsOptions = {}): EnvOnlySettings {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const origin = { kind: "env" } as const;
  const home = resolveSetting(SETTING_DEFINITIONS.CAIRN_HOME, env, {}, origin, { cwd, home: defaultCairnHome() });
  const profile = resolveSetting(SETTING_DEFINITIONS.CAIRN_PROFILE, env, {}, origin, { cwd, home: home.value });
  return { CAIRN_HOME: home, CAIRN_PROFILE: profile };
}
