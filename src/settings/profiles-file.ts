import fs from "node:fs";
import path from "node:path";
import { parse, stringify, TomlError } from "smol-toml";
import { ConfigurationError } from "../errors/configuration-error.js";
import { writeFileAtomicSync } from "./atomic-write.js";
import {
  DEFAULT_PROFILE,
  emptyProfilesDocument,
  type ProfilesDocument,
  type ProfileValues,
} from "./profiles-document.js";

/** The name of the profiles file inside `CAIRN_HOME`. */
export const PROFILES_FILE_NAME = "profiles.toml";

/** The path of the profiles file of a `CAIRN_HOME`. */
export function profilesFilePath(home: string): string {
  return path.join(home, PROFILES_FILE_NAME);
}

/**
 * Reads a profiles file. A missing file reads as one empty profile, "default", active.
 * A malformed file is refused with a {@link ConfigurationError} naming the file and the line.
 */
export function readProfilesFile(file: string): ProfilesDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyProfilesDocument();
    throw new ConfigurationError(`Could not read the profiles file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseProfiles(text, file);
}

/**
 * Parses the text of a profiles file (see {@link readProfilesFile}).
 *
 * @example
 * ```ts
 * parseProfiles('active = "dev"\n[profiles.dev]\nCAIRN_SERVER_PORT = "4300"\n', "profiles.toml");
 * // { active: "dev", profiles: { dev: { CAIRN_SERVER_PORT: "4300" } } }
 * ```
 */
export function parseProfiles(text: string, file: string): ProfilesDocument {
  let root: Record<string, unknown>;
  try {
    root = parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "") ?? "invalid TOML";
    throw new ConfigurationError(
      `The profiles file ${file} is not valid TOML: ${reason} at line ${error.line}, column ${error.column}.\n` +
        `${error.codeblock.replace(/\n+$/, "")}\nFix the file, or delete it to start over.`,
      { cause: error, context: { file, line: error.line, column: error.column } },
    );
  }
  const refuse = (problem: string): never => {
    throw new ConfigurationError(`The profiles file ${file} is not valid: ${problem}.`, { context: { file } });
  };
  for (const key of Object.keys(root)) {
    if (key !== "active" && key !== "profiles") {
      refuse(`unknown top-level key "${key}" (expected only "active" and [profiles.NAME] tables)`);
    }
  }
  const active = root.active ?? DEFAULT_PROFILE;
  if (typeof active !== "string") refuse('"active" must be a profile name in quotes');
  const tables = root.profiles ?? {};
  if (!isTable(tables)) return refuse('"profiles" must be a table of [profiles.NAME] tables');
  const profiles: Record<string, ProfileValues> = {};
  for (const [name, table] of Object.entries(tables)) {
    if (!isTable(table)) return refuse(`profiles.${name} must be a table of KEY = "value" lines`);
    profiles[name] = Object.fromEntries(
      Object.entries(table).map(([key, value]) => {
        if (typeof value === "string") return [key, value];
        if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
          return [key, String(value)];
        }
        return refuse(`${key} in profile "${name}" must be a string, a number or a boolean`);
      }),
    );
  }
  if (active === DEFAULT_PROFILE && !Object.hasOwn(profiles, DEFAULT_PROFILE)) {
    return { active: String(active), profiles: { [DEFAULT_PROFILE]: {}, ...profiles } };
  }
  return { active: String(active), profiles };
}

/** Renders a profiles document as TOML: `active`, then one table per profile. */
export function serializeProfiles(document: ProfilesDocument): string {
  const sections = [stringify({ active: document.active })];
  for (const [name, values] of Object.entries(document.profiles)) {
    sections.push(stringify({ profiles: { [name]: values } }));
  }
  return sections.join("\n");
}

/**
 * Writes a profiles file atomically (temporary file, then rename), readable by its owner
 * only since profiles may hold keys. Creates `CAIRN_HOME` when missing.
 */
export function writeProfilesFile(file: string, document: ProfilesDocument): void {
  try {
    writeFileAtomicSync(file, serializeProfiles(document), { mode: 0o600 });
  } catch (error) {
    throw new ConfigurationError(`Could not write the profiles file ${file}: ${(error as Error).message}`, {
      cause: error,
      context: { file },
    });
  }
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
