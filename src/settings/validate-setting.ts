import { ConfigurationError } from "../errors/configuration-error.js";
import { SETTING_DEFINITIONS } from "./setting-definitions.js";
import { closestSettingKey, isSettingKey } from "./setting-key.js";
import { describeOrigin, type SettingOrigin } from "./setting-origin.js";
import type { SettingKey, SettingValues } from "./setting-values.js";

/**
 * Parses the text of a setting with its schema, or throws a {@link ConfigurationError}
 * naming the key, the bad value, where it came from and what is expected.
 * Context-free: relative paths are resolved later, by `loadSettings`.
 *
 * @example
 * ```ts
 * validateSettingValue("CAIRN_SERVER_PORT", "4300", { kind: "env" }); // 4300
 * validateSettingValue("CAIRN_SERVER_PORT", "abc", { kind: "env" });
 * // ConfigurationError: CAIRN_SERVER_PORT must be an integer between 1 and 65535,
 * //   got "abc" (from the environment).
 * ```
 */
export function validateSettingValue<K extends SettingKey>(
  key: K,
  raw: string,
  origin: SettingOrigin,
): SettingValues[K] {
  const definition = SETTING_DEFINITIONS[key];
  const parsed = definition.schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const shown = definition.secret ? "********" : (definition.redact?.(raw) ?? raw);
  let message = `${key} must be ${definition.expected}, got ${JSON.stringify(shown)} (${describeOrigin(origin)}).`;
  if (origin.kind === "profile") {
    message += ` Fix it with \`cairn config set ${key}=...\` or remove it with \`cairn config unset ${key}\`.`;
  }
  throw new ConfigurationError(message, {
    cause: parsed.error,
    context: { setting: key, source: origin.kind },
  });
}

/**
 * Checks that `name` can be stored in a profile: a known setting that is not environment-only.
 * Throws a {@link ConfigurationError} that suggests the closest setting name otherwise.
 */
export function assertProfileSettingKey(name: string, origin: SettingOrigin): asserts name is SettingKey {
  if (!isSettingKey(name)) {
    const closest = closestSettingKey(name);
    const hint = closest === undefined ? "" : ` Did you mean ${closest}?`;
    throw new ConfigurationError(
      `Unknown setting "${name}" (${describeOrigin(origin)}).${hint} ` +
        "Run `cairn config view --show-defaults` to list every setting.",
      { context: { setting: name, source: origin.kind } },
    );
  }
  if (SETTING_DEFINITIONS[name].envOnly) {
    const advice =
      name === "CAIRN_HOME"
        ? "it says where profiles.toml is. Set it as an environment variable instead."
        : "it chooses the profile. Use `cairn profile use NAME` to change the active profile, " +
          "or set CAIRN_PROFILE as an environment variable.";
    throw new ConfigurationError(
      `${name} cannot be set in a profile (${describeOrigin(origin)}): ${advice}`,
      { context: { setting: name, source: origin.kind } },
    );
  }
}
