/** The values of one profile: setting name to the text of its value, as stored. */
export type ProfileValues = Readonly<Record<string, string>>;

/**
 * The content of `profiles.toml`.
 *
 * @example
 * ```toml
 * active = "dev"
 *
 * [profiles.default]
 *
 * [profiles.dev]
 * CAIRN_API_URL = "http://127.0.0.1:4200/api"
 * ```
 */
export interface ProfilesDocument {
  /** The profile marked active in the file (`"default"` when the file names none). */
  readonly active: string;
  /** Every profile, by name, in file order. */
  readonly profiles: Readonly<Record<string, ProfileValues>>;
}

/** The name of the profile used when none is chosen. */
export const DEFAULT_PROFILE = "default";

/** The document of a missing profiles file: one empty, active profile named "default". */
export function emptyProfilesDocument(): ProfilesDocument {
  return { active: DEFAULT_PROFILE, profiles: { [DEFAULT_PROFILE]: {} } };
}

/** True when the document has a profile by that name. */
export function hasProfile(document: ProfilesDocument, name: string): boolean {
  return Object.hasOwn(document.profiles, name);
}

/** The names of every profile, in file order. */
export function profileNames(document: ProfilesDocument): string[] {
  return Object.keys(document.profiles);
}
