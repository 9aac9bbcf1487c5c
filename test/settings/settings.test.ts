import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ConfigurationError } from "../../src/errors/configuration-error.js";
import { loadSettings, ProfileStore, SETTING_DEFINITIONS, SETTING_KEYS } from "../../src/settings/index.js";

const homes: string[] = [];
after(() => homes.forEach((home) => fs.rmSync(home, { recursive: true, force: true })));

function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-settings-"));
  homes.push(home);
  return home;
}

function writeProfiles(home: string, text: string): string {
  const file = path.join(home, "profiles.toml");
  fs.writeFileSync(file, text);
  return file;
}

function loadError(env: Record<string, string>, cwd?: string): ConfigurationError {
  try {
    loadSettings({ env, cwd });
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
    return error;
  }
  assert.fail("loadSettings did not throw");
}

void describe("loadSettings: defaults", () => {
  void test("every setting has its documented default, with source 'default'", () => {
    const home = tempHome();
    const settings = loadSettings({ env: { CAIRN_HOME: home }, cwd: "/work/project" });
    assert.equal(settings.home, home);
    assert.equal(settings.profileName, "default");
    assert.equal(settings.get("CAIRN_PROFILE"), undefined);
    assert.equal(settings.get("CAIRN_RESULTS_PERSIST_BY_DEFAULT"), false);
    assert.equal(settings.get("CAIRN_RESULTS_DEFAULT_SERIALIZER"), "msgpack");
    assert.equal(settings.get("CAIRN_LOCAL_STORAGE_PATH"), path.resolve("/work/project", ".cairn-results"));
    assert.equal(settings.get("CAIRN_DEFAULT_RESULT_STORAGE_BLOCK"), undefined);
    assert.equal(settings.get("CAIRN_TASKS_REFRESH_CACHE"), false);
    assert.equal(settings.get("CAIRN_API_URL"), undefined);
    assert.equal(settings.get("CAIRN_API_KEY"), undefined);
    assert.equal(settings.get("CAIRN_SERVER_API_KEY"), undefined);
    assert.equal(settings.get("CAIRN_SERVER_HOST"), "127.0.0.1");
    assert.equal(settings.get("CAIRN_SERVER_PORT"), 4200);
    assert.equal(settings.get("CAIRN_API_DATABASE_URL"), "sqlite:///" + path.join(home, "cairn.db"));
    assert.equal(settings.get("CAIRN_LOGGING_LEVEL"), "INFO");
    assert.equal(settings.get("CAIRN_LOGGING_TO_CONSOLE"), true);
    assert.equal(settings.get("CAIRN_WORKER_REDIS_URL"), undefined);
    assert.equal(settings.get("CAIRN_WORKER_QUEUE"), "cairn");
    assert.equal(settings.get("CAIRN_WORKER_INLINE_MAX_BYTES"), 262144);
    assert.equal(settings.get("CAIRN_WORKER_LOCK_SECONDS"), 30);
    assert.equal(settings.get("CAIRN_WORKER_SHUTDOWN_GRACE_SECONDS"), 30);
    assert.equal(settings.source("CAIRN_HOME"), "env");
    for (const key of SETTING_KEYS.filter((key) => key !== "CAIRN_HOME")) {
      assert.equal(settings.source(key), "default", key);
    }
  });

  void test("CAIRN_HOME defaults to ~/.cairn", () => {
    const settings = loadSettings({ env: { CAIRN_PROFILE: "default", CAIRN_HOME: undefined }, cwd: tempHome() });
    assert.equal(settings.home, path.join(os.homedir(), ".cairn"));
    assert.equal(settings.source("CAIRN_HOME"), "default");
  });

  void test("a relative CAIRN_HOME is resolved against cwd", () => {
    const cwd = tempHome();
    assert.equal(loadSettings({ env: { CAIRN_HOME: "state" }, cwd }).home, path.join(cwd, "state"));
  });

  void test("SETTING_DEFINITIONS lists every key with a description, an expected form and a default", () => {
    assert.equal(SETTING_KEYS.length, 24);
    for (const key of SETTING_KEYS) {
      const definition = SETTING_DEFINITIONS[key];
      assert.equal(definition.key, key);
      assert.ok(definition.description.length > 0 && definition.expected.length > 0 && definition.defaultText.length > 0);
    }
    assert.deepEqual(
      SETTING_KEYS.filter((key) => SETTING_DEFINITIONS[key].secret),
      ["CAIRN_API_KEY", "CAIRN_SERVER_API_KEY", "CAIRN_SECRET_KEY"],
    );
  });
});

void describe("loadSettings: resolution order", () => {
  void test("environment > active profile > default", () => {
    const home = tempHome();
    writeProfiles(
      home,
      'active = "dev"\n[profiles.dev]\nCAIRN_SERVER_PORT = "4300"\nCAIRN_SERVER_HOST = "0.0.0.0"\n',
    );
    const settings = loadSettings({ env: { CAIRN_HOME: home, CAIRN_SERVER_PORT: "4400" } });
    assert.equal(settings.profileName, "dev");
    assert.equal(settings.get("CAIRN_SERVER_PORT"), 4400);
    assert.equal(settings.source("CAIRN_SERVER_PORT"), "env");
    assert.equal(settings.get("CAIRN_SERVER_HOST"), "0.0.0.0");
    assert.equal(settings.source("CAIRN_SERVER_HOST"), "profile");
    assert.equal(settings.get("CAIRN_LOGGING_LEVEL"), "INFO");
    assert.equal(settings.source("CAIRN_LOGGING_LEVEL"), "default");
  });

  void test("only the active profile is read", () => {
    const home = tempHome();
    writeProfiles(home, 'active = "a"\n[profiles.a]\nCAIRN_SERVER_PORT = "1111"\n[profiles.b]\nCAIRN_SERVER_PORT = "2222"\n');
    assert.equal(loadSettings({ env: { CAIRN_HOME: home } }).get("CAIRN_SERVER_PORT"), 1111);
  });

  void test("CAIRN_PROFILE overrides the active profile of the file", () => {
    const home = tempHome();
    writeProfiles(home, 'active = "a"\n[profiles.a]\nCAIRN_SERVER_PORT = "1111"\n[profiles.b]\nCAIRN_SERVER_PORT = "2222"\n');
    const settings = loadSettings({ env: { CAIRN_HOME: home, CAIRN_PROFILE: "b" } });
    assert.equal(settings.profileName, "b");
    assert.equal(settings.get("CAIRN_PROFILE"), "b");
    assert.equal(settings.source("CAIRN_PROFILE"), "env");
    assert.equal(settings.get("CAIRN_SERVER_PORT"), 2222);
  });

  void test("a missing profiles file means one empty profile named default", () => {
    const home = path.join(tempHome(), "not-created-yet");
    const settings = loadSettings({ env: { CAIRN_HOME: home } });
    assert.equal(settings.profileName, "default");
    assert.equal(fs.existsSync(home), false, "loading settings never writes");
  });

  void test("TOML numbers and booleans in a profile are read like their text", () => {
    const home = tempHome();
    writeProfiles(home, "[profiles.default]\nCAIRN_SERVER_PORT = 4300\nCAIRN_TASKS_REFRESH_CACHE = true\n");
    const settings = loadSettings({ env: { CAIRN_HOME: home } });
    assert.equal(settings.get("CAIRN_SERVER_PORT"), 4300);
    assert.equal(settings.get("CAIRN_TASKS_REFRESH_CACHE"), true);
  });

  void test("profile values set through ProfileStore are picked up", () => {
    const home = tempHome();
    const store = new ProfileStore(home);
    store.create("ci");
    store.set("ci", { CAIRN_RESULTS_PERSIST_BY_DEFAULT: "yes" });
    store.use("ci");
    const settings = loadSettings({ env: { CAIRN_HOME: home } });
    assert.equal(settings.profileName, "ci");
    assert.equal(settings.get("CAIRN_RESULTS_PERSIST_BY_DEFAULT"), true);
  });
});

void describe("loadSettings: parsing", () => {
  const home = tempHome();
  const load = (env: Record<string, string>, cwd = "/work/project") =>
    loadSettings({ env: { CAIRN_HOME: home, ...env }, cwd });

  void test("booleans accept true/false/1/0/yes/no in any case", () => {
    for (const [text, value] of [["true", true], ["FALSE", false], ["1", true], ["0", false], ["Yes", true], [" no ", false]] as const) {
      assert.equal(load({ CAIRN_TASKS_REFRESH_CACHE: text }).get("CAIRN_TASKS_REFRESH_CACHE"), value, text);
    }
  });

  void test("logging levels are case-insensitive and WARN means WARNING", () => {
    assert.equal(load({ CAIRN_LOGGING_LEVEL: "debug" }).get("CAIRN_LOGGING_LEVEL"), "DEBUG");
    assert.equal(load({ CAIRN_LOGGING_LEVEL: "Warn" }).get("CAIRN_LOGGING_LEVEL"), "WARNING");
  });

  void test("CAIRN_API_URL keeps an http(s) URL without trailing slashes; empty means unset", () => {
    assert.equal(load({ CAIRN_API_URL: "http://127.0.0.1:4200/api/" }).get("CAIRN_API_URL"), "http://127.0.0.1:4200/api");
    assert.equal(load({ CAIRN_API_URL: "https://cairn.example.com/api" }).get("CAIRN_API_URL"), "https://cairn.example.com/api");
    const unset = load({ CAIRN_API_URL: "" });
    assert.equal(unset.get("CAIRN_API_URL"), undefined);
    assert.equal(unset.source("CAIRN_API_URL"), "env");
  });

  void test("CAIRN_LOCAL_STORAGE_PATH: relative values resolve against cwd, ~ against the home directory", () => {
    assert.equal(load({ CAIRN_LOCAL_STORAGE_PATH: "out/results" }).get("CAIRN_LOCAL_STORAGE_PATH"), path.resolve("/work/project/out/results"));
    assert.equal(load({ CAIRN_LOCAL_STORAGE_PATH: "/data/results" }).get("CAIRN_LOCAL_STORAGE_PATH"), path.resolve("/data/results"));
    assert.equal(load({ CAIRN_LOCAL_STORAGE_PATH: "~/results" }).get("CAIRN_LOCAL_STORAGE_PATH"), path.join(os.homedir(), "results"));
  });

  void test("CAIRN_API_DATABASE_URL: sqlite URLs and plain paths become sqlite:///<absolute path>", () => {
    const url = (value: string) => load({ CAIRN_API_DATABASE_URL: value }).get("CAIRN_API_DATABASE_URL");
    assert.equal(url("sqlite:////var/lib/cairn.db"), "sqlite:////var/lib/cairn.db");
    assert.equal(url("sqlite:///cairn.db"), "sqlite:///" + path.resolve("/work/project/cairn.db"));
    assert.equal(url("data/cairn.db"), "sqlite:///" + path.resolve("/work/project/data/cairn.db"));
    assert.equal(url("/tmp/x.db"), "sqlite:////tmp/x.db");
    assert.equal(url("postgresql://cairn:pw@db:5432/cairn"), "postgresql://cairn:pw@db:5432/cairn");
    assert.equal(url("postgres://db/cairn"), "postgres://db/cairn");
  });

  void test("CAIRN_DEFAULT_RESULT_STORAGE_BLOCK takes a block slug", () => {
    assert.equal(load({ CAIRN_DEFAULT_RESULT_STORAGE_BLOCK: "s3/prod" }).get("CAIRN_DEFAULT_RESULT_STORAGE_BLOCK"), "s3/prod");
    assert.equal(
      load({ CAIRN_DEFAULT_RESULT_STORAGE_BLOCK: "local-file-system/my-results" }).get("CAIRN_DEFAULT_RESULT_STORAGE_BLOCK"),
      "local-file-system/my-results",
    );
  });

  void test("unknown CAIRN_* environment variables are ignored", () => {
    assert.equal(load({ CAIRN_DEBUG: "1", CAIRN_SOMETHING_ELSE: "x" }).get("CAIRN_SERVER_PORT"), 4200);
  });
});

void describe("loadSettings: validation messages", () => {
  const home = tempHome();

  void test("a bad environment value names the key, the value, the source and the expected form", () => {
    const error = loadError({ CAIRN_HOME: home, CAIRN_SERVER_PORT: "abc" });
    assert.equal(error.code, "CONFIGURATION_ERROR");
    assert.equal(error.message, 'CAIRN_SERVER_PORT must be an integer between 1 and 65535, got "abc" (from the environment).');
    assert.equal(error.context.setting, "CAIRN_SERVER_PORT");
  });

  void test("ports outside 1..65535 and non-integers are refused", () => {
    for (const port of ["0", "65536", "42.5", "-1", "", "0x10"]) {
      assert.match(loadError({ CAIRN_HOME: home, CAIRN_SERVER_PORT: port }).message, /^CAIRN_SERVER_PORT must be an integer between 1 and 65535/, port);
    }
  });

  void test("booleans, URLs, levels, slugs and database URLs say what they expect", () => {
    const cases: [string, string, RegExp][] = [
      ["CAIRN_RESULTS_PERSIST_BY_DEFAULT", "maybe", /CAIRN_RESULTS_PERSIST_BY_DEFAULT must be true or false \(also 1\/0, yes\/no\), got "maybe"/],
      ["CAIRN_API_URL", "ftp://example.com", /CAIRN_API_URL must be an http\(s\) URL such as http:\/\/127\.0\.0\.1:4200\/api, got "ftp:\/\/example\.com"/],
      ["CAIRN_API_URL", "localhost:4200", /CAIRN_API_URL must be an http\(s\) URL/],
      ["CAIRN_LOGGING_LEVEL", "verbose", /CAIRN_LOGGING_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL \(any case\), got "verbose"/],
      ["CAIRN_DEFAULT_RESULT_STORAGE_BLOCK", "s3", /must be a block slug "block-type\/name", such as "s3\/prod", got "s3"/],
      ["CAIRN_DEFAULT_RESULT_STORAGE_BLOCK", "S3/a/b", /got "S3\/a\/b"/],
      ["CAIRN_API_DATABASE_URL", "mysql://db/cairn", /CAIRN_API_DATABASE_URL must be sqlite:\/\/\/<path>, a file path, or postgresql:\/\//],
      ["CAIRN_SERVER_HOST", "http://0.0.0.0", /CAIRN_SERVER_HOST must be a host name or IP address/],
      ["CAIRN_PROFILE", "my profile", /CAIRN_PROFILE must be a profile name/],
    ];
    for (const [key, value, expected] of cases) {
      assert.match(loadError({ CAIRN_HOME: home, [key]: value }).message, expected, `${key}=${value}`);
    }
  });

  void test("a bad profile value names the profile and the file, and says how to fix it", () => {
    const profileHome = tempHome();
    const file = writeProfiles(profileHome, 'active = "dev"\n[profiles.dev]\nCAIRN_LOGGING_LEVEL = "loud"\n');
    const error = loadError({ CAIRN_HOME: profileHome });
    assert.equal(
      error.message,
      `CAIRN_LOGGING_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL (any case), got "loud" ` +
        `(from profile "dev" in ${file}). Fix it with \`cairn config set CAIRN_LOGGING_LEVEL=...\` ` +
        "or remove it with `cairn config unset CAIRN_LOGGING_LEVEL`.",
    );
  });

  void test("an environment variable hides a bad profile value", () => {
    const profileHome = tempHome();
    writeProfiles(profileHome, '[profiles.default]\nCAIRN_SERVER_PORT = "nope"\n');
    assert.equal(loadSettings({ env: { CAIRN_HOME: profileHome, CAIRN_SERVER_PORT: "5000" } }).get("CAIRN_SERVER_PORT"), 5000);
  });

  void test("a secret's bad value is not echoed", () => {
    const error = loadError({ CAIRN_HOME: home, CAIRN_API_KEY: "sk live 123" });
    assert.equal(error.message, 'CAIRN_API_KEY must be a key without spaces, got "********" (from the environment).');
  });

  void test("an unknown key in a profile is refused, with a suggestion", () => {
    const profileHome = tempHome();
    const file = writeProfiles(profileHome, '[profiles.default]\nCAIRN_SERVR_PORT = "4300"\n');
    assert.equal(
      loadError({ CAIRN_HOME: profileHome }).message,
      `Unknown setting "CAIRN_SERVR_PORT" (from profile "default" in ${file}). Did you mean CAIRN_SERVER_PORT? ` +
        "Run `cairn config view --show-defaults` to list every setting.",
    );
  });

  void test("CAIRN_HOME and CAIRN_PROFILE cannot come from a profile", () => {
    const profileHome = tempHome();
    writeProfiles(profileHome, '[profiles.default]\nCAIRN_HOME = "/elsewhere"\n');
    assert.match(loadError({ CAIRN_HOME: profileHome }).message, /^CAIRN_HOME cannot be set in a profile .*Set it as an environment variable instead\./);
    writeProfiles(profileHome, '[profiles.default]\nCAIRN_PROFILE = "dev"\n');
    assert.match(loadError({ CAIRN_HOME: profileHome }).message, /^CAIRN_PROFILE cannot be set in a profile .*cairn profile use NAME/);
  });

  void test("a CAIRN_PROFILE that names a missing profile lists the existing ones", () => {
    const profileHome = tempHome();
    const file = writeProfiles(profileHome, '[profiles.default]\n[profiles.dev]\n');
    assert.equal(
      loadError({ CAIRN_HOME: profileHome, CAIRN_PROFILE: "prod" }).message,
      `Profile "prod" (named by CAIRN_PROFILE or --profile) does not exist in ${file}. Existing profiles: default, dev. ` +
        "Create it with `cairn profile create prod`, or choose an existing one.",
    );
  });

  void test("an active profile missing from the file is refused", () => {
    const profileHome = tempHome();
    writeProfiles(profileHome, 'active = "gone"\n[profiles.default]\n');
    assert.match(loadError({ CAIRN_HOME: profileHome }).message, /^Profile "gone" \(marked active\) does not exist in .*cairn profile use NAME/);
  });

  void test("a malformed profiles.toml names the file and the line", () => {
    const profileHome = tempHome();
    const file = writeProfiles(profileHome, 'active = "dev"\n\n[profiles.dev]\nCAIRN_SERVER_PORT = \n');
    const error = loadError({ CAIRN_HOME: profileHome });
    assert.match(error.message, new RegExp(`^The profiles file ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not valid TOML: .* at line 4, column \\d+\\.`));
    assert.equal(error.context.line, 4);
  });
});

void describe("docs/settings.md", () => {
  void test("documents every setting", () => {
    const docs = fs.readFileSync(new URL("../../docs/settings.md", import.meta.url), "utf8");
    for (const key of SETTING_KEYS) assert.ok(docs.includes(`| \`${key}\``), `${key} is missing from the reference table`);
  });
});
