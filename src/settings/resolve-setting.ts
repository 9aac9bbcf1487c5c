import type { ProfileValues } from "./profiles-document.js";
import type { SettingContext, SettingDefinition } from "./setting-definition.js";
import type { SettingOrigin } from "./setting-origin.js";
import type { SettingKey } from "./setting-values.js";
import type { ResolvedSetting } from "./settings.js";
import { validateSettingValue } from "./validate-setting.js";

/**
 * Resolves one setting: its environment variable, else its value in the profile, else its
 * default. Validates the text it finds and applies the definition's `resolve` step.
 */
export function resolveSetting<K extends SettingKey>(
  definition: SettingDefinition<K>,
  env: Readonly<Record<string, string | undefined>>,
  profile: ProfileValues,
  profileOrigin: SettingOrigin,
  context: SettingContext,
): ResolvedSetting<K> {
  const fromEnv = env[definition.key];
  const fromProfile = profile[definition.key];
  let value: ResolvedSetting<K>["value"];
  let source: ResolvedSetting["source"];
  if (fromEnv !== undefined) {
    value = validateSettingValue(definition.key, fromEnv, { kind: "env" });
    source = "env";
  } else if (fromProfile !== undefined) {
    value = validateSettingValue(definition.key, fromProfile, profileOrigin);
    source = "profile";
  } else {
    return { value: definition.default(context), source: "default" };
  }
  if (value !== undefined && definition.resolve !== undefined) value = definition.resolve(value, context);
  return { value, source };
}
