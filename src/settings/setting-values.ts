/** The levels a run logger can be set to, lowest first. */
export type LoggingLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

/**
 * The value type of every Cairn setting, after parsing and validation.
 *
 * Each key is also the name of the environment variable that sets it.
 * See {@link SETTING_DEFINITIONS} for defaults and descriptions, and
 * `docs/settings.md` for the full reference.
 */
export interface SettingValues {
  /**
   * Where Cairn keeps its files (`profiles.toml`, the embedded database).
   * Environment only: it says where the profiles file is, so a profile cannot set it.
   * @default "~/.cairn"
   */
  CAIRN_HOME: string;
  /**
   * Environment only: the profile to use, overriding the one marked active in `profiles.toml`.
   * @default undefined
   */
  CAIRN_PROFILE: string | undefined;
  /**
   * Persist every result unless a flow or task says otherwise (step 5 of the persistence rules).
   * @default false
   */
  CAIRN_RESULTS_PERSIST_BY_DEFAULT: boolean;
  /**
   * The serializer type used when a run does not choose one.
   * @default "msgpack"
   */
  CAIRN_RESULTS_DEFAULT_SERIALIZER: string;
  /**
   * Binary results (a serializer whose data is base64, such as msgpack) whose serialized
   * bytes are at least this many are written as framed blobs: one JSON head line, then the
   * raw bytes, without base64 (see `docs/result-blob.md`). Smaller ones, and JSON results,
   * stay one JSON document.
   * @default 1048576
   */
  CAIRN_RESULTS_FRAMED_MIN_BYTES: number;
  /**
   * The folder of the default `LocalFileSystem` storage, as an absolute path
   * (relative values are resolved against the working directory when settings load).
   * @default "<cwd>/.cairn-results"
   */
  CAIRN_LOCAL_STORAGE_PATH: string;
  /**
   * The slug (`"block-type/name"`) of a saved storage block used as the default result storage.
   * @default undefined
   */
  CAIRN_DEFAULT_RESULT_STORAGE_BLOCK: string | undefined;
  /**
   * Make every cached task run again and overwrite its cache entry.
   * @default false
   */
  CAIRN_TASKS_REFRESH_CACHE: boolean;
  /**
   * The URL of a `cairn server` API (e.g. `http://127.0.0.1:4200/api`), without a trailing slash.
   * Unset: the embedded store is used in-process.
   * @default undefined
   */
  CAIRN_API_URL: string | undefined;
  /**
   * Secret: the key a client sends to the server (`Authorization: Bearer <key>`).
   * @default undefined
   */
  CAIRN_API_KEY: string | undefined;
  /**
   * Secret: when set, the server refuses every API request but `/api/health` without this key.
   * @default undefined
   */
  CAIRN_SERVER_API_KEY: string | undefined;
  /**
   * Secret: the key (32 bytes, base64) that block secrets are encrypted with, instead of
   * the key file `$CAIRN_HOME/secret.key`. See `docs/blocks.md`.
   * @default undefined
   */
  CAIRN_SECRET_KEY: string | undefined;
  /**
   * The address `cairn server start` binds to.
   * @default "127.0.0.1"
   */
  CAIRN_SERVER_HOST: string;
  /**
   * The port `cairn server start` listens on (an integer from 1 to 65535).
   * @default 4200
   */
  CAIRN_SERVER_PORT: number;
  /**
   * Whether `cairn server` previews result values (reads them from storage for the UI).
   * Unset: on while the server listens on a loopback address, else off.
   * @default undefined
   */
  CAIRN_SERVER_RESULT_PREVIEW: boolean | undefined;
  /**
   * The largest result blob, in bytes, the server reads to preview it.
   * @default 10485760
   */
  CAIRN_SERVER_RESULT_PREVIEW_MAX_BYTES: number;
  /**
   * The metadata database, normalized: `sqlite:///<absolute path>` or `postgresql://...`.
   * Use {@link parseDatabaseUrl} to read it.
   * @default "sqlite:///" + path.join(CAIRN_HOME, "cairn.db")
   */
  CAIRN_API_DATABASE_URL: string;
  /**
   * The level of run loggers (case-insensitive input; `WARN` means `WARNING`).
   * @default "INFO"
   */
  CAIRN_LOGGING_LEVEL: LoggingLevel;
  /**
   * Run loggers also print to stderr.
   * @default true
   */
  CAIRN_LOGGING_TO_CONSOLE: boolean;
  /**
   * The Redis URL of BullMQ task runners created without `connection`, and of
   * `cairn worker start|ls` (which otherwise use the connection of the `BullMQTaskRunner`
   * the loaded modules define, else `redis://127.0.0.1:6379`).
   * @default undefined
   */
  CAIRN_WORKER_REDIS_URL: string | undefined;
  /**
   * The BullMQ queue of task runners created without `queue`, and of workers started without `--queue`.
   * @default "cairn"
   */
  CAIRN_WORKER_QUEUE: string;
  /**
   * Arguments and return values of distributed task runs up to this many serialized bytes
   * travel inside the BullMQ job; larger ones as references through result storage.
   * @default 262144
   */
  CAIRN_WORKER_INLINE_MAX_BYTES: number;
  /**
   * Seconds a job stays with a worker that stopped renewing its lock (killed, frozen)
   * before BullMQ hands it to another worker (BullMQ's `lockDuration` and `stalledInterval`).
   * @default 30
   */
  CAIRN_WORKER_LOCK_SECONDS: number;
  /**
   * Seconds a worker told to stop (SIGTERM/SIGINT) gives its running jobs to finish.
   * @default 30
   */
  CAIRN_WORKER_SHUTDOWN_GRACE_SECONDS: number;
}

/** The name of a setting, which is also the name of its environment variable. */
export type SettingKey = keyof SettingValues;

/** Where a setting's value came from: an environment variable, the active profile, or its default. */
export type SettingSource = "env" | "profile" | "default";
