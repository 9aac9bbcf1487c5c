/**
 * Settings and profiles: every Cairn setting resolved from the environment, the active
 * profile of `$CAIRN_HOME/profiles.toml`, or its default. See `docs/settings.md`.
 */
export { writeFileAtomicSync } from "./atomic-write.js";
export {
  isDatabaseUrl,
  normalizeDatabaseUrl,
  parseDatabaseUrl,
  redactUrlPassword,
  type DatabaseLocation,
} from "./database-url.js";
export {
  resolveEnvOnlySettings,
  type EnvOnlySettings,
  type LoadSettingsOptions,
} from "./env-only-settings.js";
export { loadSettings } from "./load-settings.js";
export { resolveSetting } from "./resolve-setting.js";
export { ProfileStore, type ActiveProfile } from "./profile-store.js";
export {
  DEFAULT_PROFILE,
  emptyProfilesDocument,
  hasProfile,
  profileNames,
  type ProfilesDocument,
  type ProfileValues,
} from "./profiles-document.js";
export {
  parseProfiles,
  PROFILES_FILE_NAME,
  profilesFilePath,
  readProfilesFile,
  serializeProfiles,
  writeProfilesFile,
} from "./profiles-file.js";
export { resolveUserPath } from "./resolve-path.js";
export type { SettingContext, SettingDefinition, SettingDefinitions } from "./setting-definition.js";
export { defaultCairnHome, SETTING_DEFINITIONS } from "./setting-definitions.js";
export { closestSettingKey, isSettingKey, SETTING_KEYS } from "./setting-key.js";
export { describeOrigin, type SettingOrigin } from "./setting-origin.js";
export type { LoggingLevel, SettingKey, SettingSource, SettingValues } from "./setting-values.js";
export { SettingsSnapshot, type ResolvedSetting, type ResolvedSettings, type Settings } from "./settings.js";
export { assertProfileSettingKey, validateSettingValue } from "./validate-setting.js";
