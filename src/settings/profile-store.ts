import { ConfigurationError } from "../errors/configuration-error.js";
import { hasProfile, profileNames, type ProfilesDocument, type ProfileValues } from "./profiles-document.js";
import { profilesFilePath, readProfilesFile, writeProfilesFile } from "./profiles-file.js";
import { profileNameSchema } from "./setting-schemas.js";
import type { SettingOrigin } from "./setting-origin.js";
import { assertProfileSettingKey, validateSettingValue } from "./validate-setting.js";

/** The profile in use, and what chose it. */
export interface ActiveProfile {
  readonly name: string;
  /** `env`: the `CAIRN_PROFILE` environment variable; `file`: the `active` line of profiles.toml. */
  readonly source: "env" | "file";
}

/**
 * The profiles of one `CAIRN_HOME` (`$CAIRN_HOME/profiles.toml`). Every change reads the
 * file, changes it, and writes it back atomically; `CAIRN_HOME` is created on first write.
 * Errors are {@link ConfigurationError}s that name the profile and say what to do.
 *
 * @example
 * ```ts
 * const store = new ProfileStore("/home/me/.cairn");
 * store.create("dev");
 * store.use("dev");
 * store.set("dev", { CAIRN_API_URL: "http://127.0.0.1:4200/api" });
 * ```
 */
export class ProfileStore {
  /** The path of the profiles file. */
  readonly file: string;

  constructor(readonly home: string) {
    this.file = profilesFilePath(home);
  }

  /** Reads the profiles file (a missing file reads as one empty "default" profile). */
  read(): ProfilesDocument {
    return readProfilesFile(this.file);
  }

  /**
   * The active profile: `envProfile` (the value of `CAIRN_PROFILE`) when given, else the one the
   * file marks active. Throws when that profile does not exist.
   */
  active(document: ProfilesDocument, envProfile?: string): ActiveProfile {
    if (envProfile !== undefined && envProfile !== "") {
      if (!hasProfile(document, envProfile)) {
        throw this.#missing(document, envProfile, "named by CAIRN_PROFILE or --profile", "or choose an existing one");
      }
      return { name: envProfile, source: "env" };
    }
    if (!hasProfile(document, document.active)) {
      throw this.#missing(document, document.active, "marked active", "or switch with `cairn profile use NAME`");
    }
    return { name: document.active, source: "file" };
  }

  /** The stored values of a profile; throws when it does not exist. */
  values(document: ProfilesDocument, name: string): ProfileValues {
    if (!hasProfile(document, name)) throw this.#missing(document, name);
    return document.profiles[name] ?? {};
  }

  /** Creates an empty profile, or a copy of `from`. Does not make it active. */
  create(name: string, options: { from?: string } = {}): ProfileValues {
    if (!profileNameSchema.safeParse(name).success) {
      throw new ConfigurationError(
        `"${name}" is not a valid profile name: use letters, digits, "_", "." and "-", starting with a letter or digit.`,
      );
    }
    const document = this.read();
    if (hasProfile(document, name)) {
      throw new ConfigurationError(
        `Profile "${name}" already exists in ${this.file}. Choose another name, ` +
          `or switch to it with \`cairn profile use ${name}\`.`,
        { context: { profile: name } },
      );
    }
    const values = options.from === undefined ? {} : { ...this.values(document, options.from) };
    this.#write({ active: document.active, profiles: { ...document.profiles, [name]: values } });
    return values;
  }

  /** Marks a profile active. */
  use(name: string): void {
    const document = this.read();
    this.values(document, name);
    this.#write({ active: name, profiles: document.profiles });
  }

  /**
   * Deletes a profile. Refuses the active profile, and the one `CAIRN_PROFILE` names.
   */
  delete(name: string, options: { envProfile?: string } = {}): void {
    const document = this.read();
    this.values(document, name);
    if (name === document.active || name === options.envProfile) {
      const how =
        name === document.active
          ? "Switch to another profile first with `cairn profile use NAME`"
          : "Unset CAIRN_PROFILE (or point it to another profile) first";
      throw new ConfigurationError(`Profile "${name}" is the active profile and cannot be deleted. ${how}.`, {
        context: { profile: name },
      });
    }
    const profiles = Object.fromEntries(Object.entries(document.profiles).filter(([other]) => other !== name));
    this.#write({ active: document.active, profiles });
  }

  /**
   * Sets values in a profile after validating every one of them (nothing is written if one is bad).
   * Values are stored as given; relative paths are resolved when settings load.
   */
  set(
    profile: string,
    values: Readonly<Record<string, string>>,
    origin: SettingOrigin = { kind: "input", description: `given for profile "${profile}"` },
  ): void {
    const document = this.read();
    const current = this.values(document, profile);
    for (const [key, value] of Object.entries(values)) {
      assertProfileSettingKey(key, origin);
      if (value.trim() === "") {
        throw new ConfigurationError(
          `${key} cannot be set to an empty value. To remove it from profile "${profile}", ` +
            `run \`cairn config unset ${key}\`.`,
          { context: { setting: key, profile } },
        );
      }
      validateSettingValue(key, value, origin);
    }
    this.#write({ active: document.active, profiles: { ...document.profiles, [profile]: { ...current, ...values } } });
  }

  /** Removes values from a profile. Refuses (writing nothing) when one of them is not set there. */
  unset(profile: string, keys: readonly string[]): void {
    const document = this.read();
    const current = { ...this.values(document, profile) };
    for (const key of keys) {
      if (!Object.hasOwn(current, key)) {
        assertProfileSettingKey(key, { kind: "input", description: `given for profile "${profile}"` });
        throw new ConfigurationError(`${key} is not set in profile "${profile}"; nothing was changed.`, {
          context: { setting: key, profile },
        });
      }
      delete current[key];
    }
    this.#write({ active: document.active, profiles: { ...document.profiles, [profile]: current } });
  }

  #write(document: ProfilesDocument): void {
    writeProfilesFile(this.file, document);
  }

  #missing(document: ProfilesDocument, name: string, role?: string, alternative?: string): ConfigurationError {
    const existing = profileNames(document).join(", ") || "none";
    const what = role === undefined ? `Profile "${name}"` : `Profile "${name}" (${role})`;
    const fix = `Create it with \`cairn profile create ${name}\`${alternative === undefined ? "" : `, ${alternative}`}.`;
    return new ConfigurationError(
      `${what} does not exist in ${this.file}. Existing profiles: ${existing}. ${fix}`,
      { context: { profile: name, file: this.file } },
    );
  }
}
