import os from "node:os";
import path from "node:path";
import { normalizeDatabaseUrl, redactUrlPassword } from "./database-url.js";
import { resolveUserPath } from "./resolve-path.js";
import type { SettingDefinitions } from "./setting-definition.js";
import {
  blockSlugSchema,
  booleanSchema,
  byteCountSchema,
  databaseUrlSchema,
  hostSchema,
  httpUrlSchema,
  keySchema,
  loggingLevelSchema,
  optional,
  portSchema,
  profileNameSchema,
  secretKeySchema,
  textSchema,
} from "./setting-schemas.js";

const BOOLEAN = "true or false (also 1/0, yes/no)";

/** The default `CAIRN_HOME`: `~/.cairn`. */
export function defaultCairnHome(): string {
  return path.join(os.homedir(), ".cairn");
}

/**
 * Every Cairn setting, in display order: the single list that parsing, `loadSettings`,
 * `cairn config` and `docs/settings.md` follow.
 *
 * @example
 * ```ts
 * for (const def of Object.values(SETTING_DEFINITIONS)) console.log(def.key, def.defaultText);
 * ```
 */
export const SETTING_DEFINITIONS: SettingDefinitions = {
  CAIRN_HOME: {
    key: "CAIRN_HOME",
    description: "The folder holding profiles.toml and the embedded database. Environment only.",
    expected: "a folder path",
    schema: textSchema,
    resolve: (value, context) => resolveUserPath(value, context.cwd),
    default: (context) => context.home,
    defaultText: "~/.cairn",
    secret: false,
    envOnly: true,
  },
  CAIRN_PROFILE: {
    key: "CAIRN_PROFILE",
    description: "The profile to use, overriding the active one in profiles.toml. Environment only.",
    expected: "a profile name (letters, digits, '_', '.' and '-')",
    schema: optional(profileNameSchema),
    default: () => undefined,
    defaultText: "unset: the profile marked active in profiles.toml",
    secret: false,
    envOnly: true,
  },
  CAIRN_RESULTS_PERSIST_BY_DEFAULT: {
    key: "CAIRN_RESULTS_PERSIST_BY_DEFAULT",
    description: "Persist every result unless the flow or task decides otherwise.",
    expected: BOOLEAN,
    schema: booleanSchema,
    default: () => false,
    defaultText: "false",
    secret: false,
    envOnly: false,
  },
  CAIRN_RESULTS_DEFAULT_SERIALIZER: {
    key: "CAIRN_RESULTS_DEFAULT_SERIALIZER",
    description: "The serializer type used when a flow or task does not choose one.",
    expected: 'a serializer type such as "msgpack", "json" or "compressed/json"',
    schema: textSchema,
    default: () => "msgpack",
    defaultText: "msgpack",
    secret: false,
    envOnly: false,
  },
  CAIRN_RESULTS_FRAMED_MIN_BYTES: {
    key: "CAIRN_RESULTS_FRAMED_MIN_BYTES",
    description: "Binary results whose serialized bytes are at least this large are written framed (raw bytes after a JSON head line, no base64).",
    expected: "a whole number of bytes, such as 1048576",
    schema: byteCountSchema,
    default: () => 1048576,
    defaultText: "1048576",
    secret: false,
    envOnly: false,
  },
  CAIRN_LOCAL_STORAGE_PATH: {
    key: "CAIRN_LOCAL_STORAGE_PATH",
    description: "The folder of the default local result storage; relative to the working directory.",
    expected: "a folder path",
    schema: textSchema,
    resolve: (value, context) => resolveUserPath(value, context.cwd),
    default: (context) => path.resolve(context.cwd, ".cairn-results"),
    defaultText: ".cairn-results in the working directory",
    secret: false,
    envOnly: false,
  },
  CAIRN_DEFAULT_RESULT_STORAGE_BLOCK: {
    key: "CAIRN_DEFAULT_RESULT_STORAGE_BLOCK",
    description: "The saved storage block used when a flow or task does not choose a storage.",
    expected: 'a block slug "block-type/name", such as "s3/prod"',
    schema: optional(blockSlugSchema),
    default: () => undefined,
    defaultText: "unset: local storage at CAIRN_LOCAL_STORAGE_PATH",
    secret: false,
    envOnly: false,
  },
  CAIRN_TASKS_REFRESH_CACHE: {
    key: "CAIRN_TASKS_REFRESH_CACHE",
    description: "Run every cached task again and overwrite its cache entry.",
    expected: BOOLEAN,
    schema: booleanSchema,
    default: () => false,
    defaultText: "false",
    secret: false,
    envOnly: false,
  },
  CAIRN_API_URL: {
    key: "CAIRN_API_URL",
    description: "The URL of a Cairn server's API; unset, the embedded store is used in-process.",
    expected: "an http(s) URL such as http://127.0.0.1:4200/api",
    schema: optional(httpUrlSchema),
    default: () => undefined,
    defaultText: "unset: the embedded store",
    secret: false,
    redact: redactUrlPassword,
    envOnly: false,
  },
  CAIRN_API_KEY: {
    key: "CAIRN_API_KEY",
    description: "The key a client sends to the server.",
    expected: "a key without spaces",
    schema: optional(keySchema),
    default: () => undefined,
    defaultText: "unset",
    secret: true,
    envOnly: false,
  },
  CAIRN_SERVER_API_KEY: {
    key: "CAIRN_SERVER_API_KEY",
    description: "When set, the server refuses API requests (but /api/health) without this key.",
    expected: "a key without spaces",
    schema: optional(keySchema),
    default: () => undefined,
    defaultText: "unset: no authentication",
    secret: true,
    envOnly: false,
  },
  CAIRN_SECRET_KEY: {
    key: "CAIRN_SECRET_KEY",
    description: "The key block secrets are encrypted with, instead of the key file $CAIRN_HOME/secret.key.",
    expected: "32 bytes in base64 (44 characters), e.g. from `openssl rand -base64 32`",
    schema: optional(secretKeySchema),
    default: () => undefined,
    defaultText: "unset: the key file $CAIRN_HOME/secret.key, created on first use",
    secret: true,
    envOnly: false,
  },
  CAIRN_SERVER_HOST: {
    key: "CAIRN_SERVER_HOST",
    description: "The address `cairn server start` binds to.",
    expected: "a host name or IP address such as 127.0.0.1 or 0.0.0.0",
    schema: hostSchema,
    default: () => "127.0.0.1",
    defaultText: "127.0.0.1",
    secret: false,
    envOnly: false,
  },
  CAIRN_SERVER_PORT: {
    key: "CAIRN_SERVER_PORT",
    description: "The port `cairn server start` listens on.",
    expected: "an integer between 1 and 65535",
    schema: portSchema,
    default: () => 4200,
    defaultText: "4200",
    secret: false,
    envOnly: false,
  },
  CAIRN_API_DATABASE_URL: {
    key: "CAIRN_API_DATABASE_URL",
    description: "The metadata database: SQLite (a file) or PostgreSQL.",
    expected: "sqlite:///<path>, a file path, or postgresql://user:password@host:port/database",
    schema: databaseUrlSchema,
    resolve: (value, context) => normalizeDatabaseUrl(value, context.cwd),
    default: (context) => "sqlite:///" + path.join(context.home, "cairn.db"),
    defaultText: "sqlite:///$CAIRN_HOME/cairn.db",
    secret: false,
    redact: redactUrlPassword,
    envOnly: false,
  },
  CAIRN_LOGGING_LEVEL: {
    key: "CAIRN_LOGGING_LEVEL",
    description: "The level of run loggers.",
    expected: "one of DEBUG, INFO, WARNING, ERROR, CRITICAL (any case)",
    schema: loggingLevelSchema,
    default: () => "INFO",
    defaultText: "INFO",
    secret: false,
    envOnly: false,
  },
  CAIRN_LOGGING_TO_CONSOLE: {
    key: "CAIRN_LOGGING_TO_CONSOLE",
    description: "Run loggers also print to stderr.",
    expected: BOOLEAN,
    schema: booleanSchema,
    default: () => true,
    defaultText: "true",
    secret: false,
    envOnly: false,
  },
};
