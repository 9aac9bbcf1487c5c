import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { main, runCli } from "../../src/cli/main.js";
import { SETTING_KEYS, loadSettings } from "../../src/settings/index.js";

const homes: string[] = [];
after(() => homes.forEach((home) => fs.rmSync(home, { recursive: true, force: true })));

function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-cli-config-"));
  homes.push(home);
  return home;
}

void describe("cairn config set", () => {
  void test("validates, writes to the active profile, and reports what it did", async () => {
    const home = tempHome();
    const run = await runCli(["config", "set", "CAIRN_SERVER_PORT=4300", "CAIRN_API_URL=http://127.0.0.1:4200/api"], {
      env: { CAIRN_HOME: home },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      "Set CAIRN_SERVER_PORT to '4300'.\nSet CAIRN_API_URL to 'http://127.0.0.1:4200/api'.\nUpdated profile \"default\".\n",
    );
    assert.equal(run.stderr, "");
    const settings = loadSettings({ env: { CAIRN_HOME: home } });
    assert.equal(settings.get("CAIRN_SERVER_PORT"), 4300);
    assert.equal(settings.source("CAIRN_API_URL"), "profile");
  });

  void test("a bad value is refused with exit code 1 and nothing is written", async () => {
    const home = tempHome();
    const run = await runCli(["config", "set", "CAIRN_LOGGING_LEVEL=DEBUG", "CAIRN_SERVER_PORT=abc"], { env: { CAIRN_HOME: home } });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      'Error: CAIRN_SERVER_PORT must be an integer between 1 and 65535, got "abc" (given to `cairn config set`).\n',
    );
    assert.equal(fs.existsSync(path.join(home, "profiles.toml")), false);
  });

  void test("an unknown key is refused with a suggestion", async () => {
    const run = await runCli(["config", "set", "CAIRN_API_ULR=http://x"], { env: { CAIRN_HOME: tempHome() } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Error: Unknown setting "CAIRN_API_ULR" \(given to `cairn config set`\)\. Did you mean CAIRN_API_URL\?/);
  });

  void test("environment-only settings cannot be set", async () => {
    const run = await runCli(["config", "set", "CAIRN_HOME=/elsewhere"], { env: { CAIRN_HOME: tempHome() } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Error: CAIRN_HOME cannot be set in a profile/);
  });

  void test("an argument without '=' is a usage error (exit code 2)", async () => {
    const run = await runCli(["config", "set", "CAIRN_SERVER_PORT"], { env: { CAIRN_HOME: tempHome() } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: expected KEY=VALUE, got "CAIRN_SERVER_PORT"\n/);
  });

  void test("values may contain '='", async () => {
    const home = tempHome();
    assert.equal((await runCli(["config", "set", "CAIRN_API_KEY=abc=="], { env: { CAIRN_HOME: home } })).code, 0);
    assert.equal(loadSettings({ env: { CAIRN_HOME: home } }).get("CAIRN_API_KEY"), "abc==");
  });

  void test("secrets are masked in the report", async () => {
    const run = await runCli(["config", "set", "CAIRN_API_KEY=hunter2"], { env: { CAIRN_HOME: tempHome() } });
    assert.equal(run.stdout, "Set CAIRN_API_KEY to '********'.\nUpdated profile \"default\".\n");
  });

  void test("warns when an environment variable overrides the value just set", async () => {
    const run = await runCli(["config", "set", "CAIRN_SERVER_PORT=4300"], {
      env: { CAIRN_HOME: tempHome(), CAIRN_SERVER_PORT: "5000" },
    });
    assert.equal(run.code, 0);
    assert.equal(
      run.stderr,
      "Warning: CAIRN_SERVER_PORT is also set by an environment variable, which overrides the profile's value. " +
        "Run `unset CAIRN_SERVER_PORT` in your shell to use the profile's value.\n",
    );
  });

  void test("writes to the profile chosen by CAIRN_PROFILE or --profile", async () => {
    const home = tempHome();
    assert.equal((await runCli(["profile", "create", "dev"], { env: { CAIRN_HOME: home } })).code, 0);
    await runCli(["config", "set", "CAIRN_SERVER_PORT=1111"], { env: { CAIRN_HOME: home, CAIRN_PROFILE: "dev" } });
    await runCli(["--profile", "dev", "config", "set", "CAIRN_SERVER_HOST=0.0.0.0"], { env: { CAIRN_HOME: home } });
    const dev = loadSettings({ env: { CAIRN_HOME: home, CAIRN_PROFILE: "dev" } });
    assert.equal(dev.get("CAIRN_SERVER_PORT"), 1111);
    assert.equal(dev.get("CAIRN_SERVER_HOST"), "0.0.0.0");
    assert.equal(loadSettings({ env: { CAIRN_HOME: home } }).get("CAIRN_SERVER_PORT"), 4200);
  });
});

void describe("cairn config unset", () => {
  void test("removes values so they fall back to their defaults", async () => {
    const home = tempHome();
    await runCli(["config", "set", "CAIRN_SERVER_PORT=4300", "CAIRN_LOGGING_LEVEL=debug"], { env: { CAIRN_HOME: home } });
    const run = await runCli(["config", "unset", "CAIRN_SERVER_PORT"], { env: { CAIRN_HOME: home } });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, 'Unset CAIRN_SERVER_PORT.\nUpdated profile "default".\n');
    const settings = loadSettings({ env: { CAIRN_HOME: home } });
    assert.equal(settings.source("CAIRN_SERVER_PORT"), "default");
    assert.equal(settings.get("CAIRN_LOGGING_LEVEL"), "DEBUG");
  });

  void test("a key that is not set is refused", async () => {
    const run = await runCli(["config", "unset", "CAIRN_SERVER_PORT"], { env: { CAIRN_HOME: tempHome() } });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'Error: CAIRN_SERVER_PORT is not set in profile "default"; nothing was changed.\n');
  });

  void test("can remove a bad value that makes settings fail to load", async () => {
    const home = tempHome();
    fs.writeFileSync(path.join(home, "profiles.toml"), '[profiles.default]\nCAIRN_SERVER_PORT = "http"\n');
    assert.equal((await runCli(["config", "view"], { env: { CAIRN_HOME: home } })).code, 1);
    assert.equal((await runCli(["config", "unset", "CAIRN_SERVER_PORT"], { env: { CAIRN_HOME: home } })).code, 0);
    assert.equal((await runCli(["config", "view"], { env: { CAIRN_HOME: home } })).code, 0);
  });
});

void describe("cairn config view", () => {
  void test("shows the active profile, that env vars override it, and the values set", async () => {
    const home = tempHome();
    await runCli(["config", "set", "CAIRN_SERVER_PORT=4300", "CAIRN_API_KEY=hunter2"], { env: { CAIRN_HOME: home } });
    const run = await runCli(["config", "view"], { env: { CAIRN_HOME: home, CAIRN_LOGGING_LEVEL: "debug" } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      [
        "Active profile: default",
        `Profiles file: ${path.join(home, "profiles.toml")}`,
        "Environment variables override the profile's values.",
        "",
        `CAIRN_HOME='${home}'`,
        "CAIRN_API_KEY='********'",
        "CAIRN_SERVER_PORT='4300'",
        "CAIRN_LOGGING_LEVEL='DEBUG'",
        "",
      ].join("\n"),
    );
  });

  void test("--show-sources says where each value comes from", async () => {
    const home = tempHome();
    await runCli(["config", "set", "CAIRN_SERVER_PORT=4300"], { env: { CAIRN_HOME: home } });
    const run = await runCli(["config", "view", "--show-sources"], { env: { CAIRN_HOME: home, CAIRN_TASKS_REFRESH_CACHE: "yes" } });
    assert.match(run.stdout, /^CAIRN_TASKS_REFRESH_CACHE='true' \(from env\)$/m);
    assert.match(run.stdout, /^CAIRN_SERVER_PORT='4300' \(from profile\)$/m);
    assert.doesNotMatch(run.stdout, /from default/);
  });

  void test("--show-defaults lists every setting", async () => {
    const run = await runCli(["config", "view", "--show-defaults", "--show-sources"], {
      env: { CAIRN_HOME: tempHome() },
      cwd: "/srv/app",
    });
    assert.match(run.stdout, /^CAIRN_SERVER_PORT='4200' \(from default\)$/m);
    assert.match(run.stdout, /^CAIRN_API_URL=\(unset\) \(from default\)$/m);
    assert.match(run.stdout, new RegExp(`^CAIRN_LOCAL_STORAGE_PATH='${path.resolve("/srv/app/.cairn-results")}' \\(from default\\)$`, "m"));
    assert.match(run.stdout, /^CAIRN_RESULTS_FRAMED_MIN_BYTES='1048576' \(from default\)$/m);
    assert.equal(run.stdout.split("\n").filter((line) => line.startsWith("CAIRN_")).length, SETTING_KEYS.length);
  });

  void test("--show-secrets reveals secrets; passwords in URLs are otherwise hidden", async () => {
    const env = {
      CAIRN_HOME: tempHome(),
      CAIRN_SERVER_API_KEY: "s3cret",
      CAIRN_API_DATABASE_URL: "postgresql://cairn:pw@db:5432/cairn",
    };
    const hidden = await runCli(["config", "view"], { env });
    assert.match(hidden.stdout, /^CAIRN_SERVER_API_KEY='\*\*\*\*\*\*\*\*'$/m);
    assert.match(hidden.stdout, /^CAIRN_API_DATABASE_URL='postgresql:\/\/cairn:\*\*\*\*\*\*\*\*@db:5432\/cairn'$/m);
    const shown = await runCli(["config", "view", "--show-secrets"], { env });
    assert.match(shown.stdout, /^CAIRN_SERVER_API_KEY='s3cret'$/m);
    assert.match(shown.stdout, /^CAIRN_API_DATABASE_URL='postgresql:\/\/cairn:pw@db:5432\/cairn'$/m);
  });

  void test("names a profile chosen by CAIRN_PROFILE", async () => {
    const home = tempHome();
    await runCli(["profile", "create", "dev"], { env: { CAIRN_HOME: home } });
    const run = await runCli(["config", "view"], { env: { CAIRN_HOME: home, CAIRN_PROFILE: "dev" } });
    assert.match(run.stdout, /^Active profile: dev \(chosen by CAIRN_PROFILE or --profile\)$/m);
  });

  void test("a bad environment value fails with the settings error", async () => {
    const run = await runCli(["config", "view"], { env: { CAIRN_HOME: tempHome(), CAIRN_SERVER_PORT: "abc" } });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'Error: CAIRN_SERVER_PORT must be an integer between 1 and 65535, got "abc" (from the environment).\n');
  });
});

void describe("cairn (program, exit codes, version)", () => {
  void test("--help exits 0 and lists the commands", async () => {
    const run = await runCli(["--help"], { env: { CAIRN_HOME: tempHome() } });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: cairn \[options\] \[command\]/);
    for (const command of ["config", "profile", "version"]) assert.match(run.stdout, new RegExp(`^  ${command} `, "m"));
  });

  void test("--help works on every subcommand", async () => {
    for (const args of [["config", "set"], ["config", "view"], ["profile", "create"], ["version"]]) {
      const run = await runCli([...args, "--help"], { env: { CAIRN_HOME: tempHome() } });
      assert.equal(run.code, 0, args.join(" "));
      assert.match(run.stdout, new RegExp(`^Usage: cairn ${args.join(" ")} `), args.join(" "));
    }
  });

  void test("--version prints the package version", async () => {
    const { version } = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const run = await runCli(["--version"], { env: { CAIRN_HOME: tempHome() } });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${version}\n`);
  });

  void test("usage errors exit with code 2", async () => {
    for (const args of [["nope"], ["config", "view", "--nope"], ["profile", "use"], []]) {
      const run = await runCli(args, { env: { CAIRN_HOME: tempHome() } });
      assert.equal(run.code, 2, args.join(" "));
      assert.notEqual(run.stderr, "");
    }
  });

  void test("CAIRN_DEBUG=1 adds the stack to a Cairn error", async () => {
    const plain = await runCli(["config", "view"], { env: { CAIRN_HOME: tempHome(), CAIRN_SERVER_PORT: "x" } });
    assert.doesNotMatch(plain.stderr, /\n\s+at /);
    const debug = await runCli(["config", "view"], { env: { CAIRN_HOME: tempHome(), CAIRN_SERVER_PORT: "x", CAIRN_DEBUG: "1" } });
    assert.equal(debug.code, 1);
    assert.match(debug.stderr, /^Error: CAIRN_SERVER_PORT must be/);
    assert.match(debug.stderr, /\n\s+at /);
  });

  void test("colour only when asked: plain text when the stream is not a terminal", async () => {
    const stderr = { text: "", isTTY: true, write(text: string) { this.text += text; } };
    const stdout = { text: "", isTTY: false, write(text: string) { this.text += text; } };
    const code = await main(["node", "cairn", "config", "view"], {
      env: { CAIRN_HOME: tempHome(), CAIRN_SERVER_PORT: "x" },
      cwd: process.cwd(),
      stdout,
      stderr,
    });
    assert.equal(code, 1);
    assert.ok(stderr.text.includes("\u001b[31m"), "red on a terminal");
    const noColor = { ...stderr, text: "", write(text: string) { this.text += text; } };
    await main(["node", "cairn", "config", "view"], {
      env: { CAIRN_HOME: tempHome(), CAIRN_SERVER_PORT: "x", NO_COLOR: "1" },
      stdout,
      stderr: noColor,
    });
    assert.ok(!noColor.text.includes("\u001b["), "no colour with NO_COLOR");
  });

  void test("cairn version shows the versions, the profile and the API mode", async () => {
    const home = tempHome();
    const embedded = await runCli(["version"], { env: { CAIRN_HOME: home } });
    assert.equal(embedded.code, 0, embedded.stderr);
    assert.match(embedded.stdout, /^Version: +\d+\.\d+\.\d+/m);
    assert.match(embedded.stdout, new RegExp(`^Node\\.js: +${process.version.replaceAll(".", "\\.")}$`, "m"));
    assert.match(embedded.stdout, /^Profile: +default$/m);
    assert.match(embedded.stdout, new RegExp(`^API: +embedded \\(SQLite at ${path.join(home, "cairn.db")}\\)$`, "m"));
    const remote = await runCli(["version"], { env: { CAIRN_HOME: home, CAIRN_API_URL: "http://127.0.0.1:4200/api" } });
    assert.match(remote.stdout, /^API: +server at http:\/\/127\.0\.0\.1:4200\/api$/m);
  });

  void test("runCli refuses to run without a CAIRN_HOME", async () => {
    await assert.rejects(runCli(["version"]), /needs options\.env\.CAIRN_HOME/);
  });
});
