import type { z } from "zod";
import type { SettingKey, SettingValues } from "./setting-values.js";

/** What a setting's default and path resolution may depend on. */
export interface SettingContext {
  /** The working directory relative paths are resolved against. */
  readonly cwd: string;
  /** `CAIRN_HOME`, already resolved (its own default while `CAIRN_HOME` itself is resolved). */
  readonly home: string;
}

/**
 * Everything Cairn knows about one setting: how to parse it, its default, and how to show it.
 *
 * @example
 * ```ts
 * const port = SETTING_DEFINITIONS.CAIRN_SERVER_PORT;
 * port.schema.parse("4300"); // 4300
 * port.expected;             // "an integer between 1 and 65535"
 * ```
 */
export interface SettingDefinition<K extends SettingKey = SettingKey> {
  /** The setting's name, which is also its environment variable. */
  readonly key: K;
  /** One sentence for `docs/settings.md` and `cairn config view`. */
  readonly description: string;
  /** What a valid value looks like; completes "KEY must be ...". */
  readonly expected: string;
  /** Parses and validates the text of a value (from an environment variable or a profile). */
  readonly schema: z.ZodType<SettingValues[K], string>;
  /** Context-dependent normalization after parsing (e.g. resolving a relative path against cwd). */
  readonly resolve?: (value: SettingValues[K], context: SettingContext) => SettingValues[K];
  /** The value when neither the environment nor the active profile sets it. */
  readonly default: (context: SettingContext) => SettingValues[K];
  /** The default as documentation shows it, e.g. `"~/.cairn"`. */
  readonly defaultText: string;
  /** A secret is shown as `********` unless secrets are asked for. */
  readonly secret: boolean;
  /** Hides the secret part of a value that is not secret as a whole (a password in a URL). */
  readonly redact?: (value: string) => string;
  /** Only an environment variable can set it; a profile cannot. */
  readonly envOnly: boolean;
}

/** The definition of every setting, keyed by name, in display order. */
export type SettingDefinitions = { readonly [K in SettingKey]: SettingDefinition<K> };
