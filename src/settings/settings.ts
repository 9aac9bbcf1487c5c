import type { SettingKey, SettingSource, SettingValues } from "./setting-values.js";

/**
 * A resolved, validated snapshot of every setting, as returned by {@link loadSettings}.
 *
 * Values are resolved once, when the snapshot is made: environment variable, then
 * the active profile, then the default. The snapshot never changes afterwards.
 *
 * @example
 * ```ts
 * const settings = loadSettings();
 * settings.get("CAIRN_SERVER_PORT");    // 4200
 * settings.source("CAIRN_SERVER_PORT"); // "default"
 * settings.profileName;                 // "default"
 * ```
 */
export interface Settings {
  /** The value of a setting. */
  get<K extends SettingKey>(key: K): SettingValues[K];
  /** Where the value of a setting came from. */
  source(key: SettingKey): SettingSource;
  /** The active profile (`"default"` when no profile is chosen). */
  readonly profileName: string;
  /** `CAIRN_HOME`: the folder holding `profiles.toml` and the embedded database. */
  readonly home: string;
}

/** One resolved setting: its value and where it came from. */
export interface ResolvedSetting<K extends SettingKey = SettingKey> {
  readonly value: SettingValues[K];
  readonly source: SettingSource;
}

/** The resolved settings, keyed by setting name. */
export type ResolvedSettings = { readonly [K in SettingKey]: ResolvedSetting<K> };

/** The {@link Settings} implementation: a frozen map of resolved values. */
export class SettingsSnapshot implements Settings {
  readonly #resolved: ResolvedSettings;
  readonly profileName: string;

  constructor(resolved: ResolvedSettings, profileName: string) {
    this.#resolved = resolved;
    this.profileName = profileName;
  }

  get home(): string {
    return this.#resolved.CAIRN_HOME.value;
  }

  get<K extends SettingKey>(key: K): SettingValues[K] {
    return this.#resolved[key].value;
  }

  source(key: SettingKey): SettingSource {
    return this.#resolved[key].source;
  }
}
