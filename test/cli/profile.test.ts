import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { runCli } from "../../src/cli/main.js";
import { loadSettings, readProfilesFile } from "../../src/settings/index.js";

const homes: string[] = [];
after(() => homes.forEach((home) => fs.rmSync(home, { recursive: true, force: true })));

function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-cli-profile-"));
  homes.push(home);
  return home;
}

/** Runs `cairn` against one temporary CAIRN_HOME. */
function cli(home: string, extraEnv: Record<string, string> = {}) {
  return (...args: string[]) => runCli(args, { env: { CAIRN_HOME: home, ...extraEnv } });
}

void describe("cairn profile ls", () => {
  void test("without a profiles file: one active profile, default", async () => {
    const run = await cli(tempHome())("profile", "ls");
    assert.equal(run.code, 0);
    assert.equal(run.stdout, "* default\n");
  });

  void test("marks the active profile", async () => {
    const home = tempHome();
    const cairn = cli(home);
    await cairn("profile", "create", "dev");
    await cairn("profile", "create", "prod");
    await cairn("profile", "use", "prod");
    assert.equal((await cairn("profile", "ls")).stdout, "  default\n  dev\n* prod\n");
  });

  void test("CAIRN_PROFILE selects the active profile, and ls says so", async () => {
    const home = tempHome();
    await cli(home)("profile", "create", "dev");
    const run = await cli(home, { CAIRN_PROFILE: "dev" })("profile", "ls");
    assert.equal(run.stdout, '  default\n* dev\n(CAIRN_PROFILE selects "dev"; profiles.toml marks "default" as active)\n');
  });
});

void describe("cairn profile create", () => {
  void test("creates an empty profile without switching to it", async () => {
    const home = tempHome();
    const run = await cli(home)("profile", "create", "dev");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      'Created profile "dev".\nSwitch to it with `cairn profile use dev`, or use it for one command with `cairn --profile dev ...`.\n',
    );
    const document = readProfilesFile(path.join(home, "profiles.toml"));
    assert.equal(document.active, "default");
    assert.deepEqual(document.profiles.dev, {});
  });

  void test("--from copies another profile", async () => {
    const home = tempHome();
    const cairn = cli(home);
    await cairn("config", "set", "CAIRN_SERVER_PORT=4300", "CAIRN_SERVER_HOST=0.0.0.0");
    const run = await cairn("profile", "create", "staging", "--from", "default");
    assert.match(run.stdout, /^Created profile "staging" from "default" \(2 settings\)\.$/m);
    assert.equal(loadSettings({ env: { CAIRN_HOME: home, CAIRN_PROFILE: "staging" } }).get("CAIRN_SERVER_PORT"), 4300);
  });

  void test("a duplicate name is refused, naming the profile and what to do", async () => {
    const home = tempHome();
    await cli(home)("profile", "create", "dev");
    const run = await cli(home)("profile", "create", "dev");
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `Error: Profile "dev" already exists in ${path.join(home, "profiles.toml")}. ` +
        "Choose another name, or switch to it with `cairn profile use dev`.\n",
    );
  });

  void test("--from a missing profile is refused", async () => {
    const run = await cli(tempHome())("profile", "create", "dev", "--from", "prod");
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Error: Profile "prod" does not exist in .*\. Existing profiles: default\. Create it with `cairn profile create prod`\.\n$/);
  });

  void test("an invalid name is refused", async () => {
    const run = await cli(tempHome())("profile", "create", "../evil");
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Error: "\.\.\/evil" is not a valid profile name/);
  });

  void test("CAIRN_PROFILE may name the profile being created", async () => {
    const run = await cli(tempHome(), { CAIRN_PROFILE: "dev" })("profile", "create", "dev");
    assert.equal(run.code, 0, run.stderr);
  });
});

void describe("cairn profile use", () => {
  void test("switches the active profile", async () => {
    const home = tempHome();
    const cairn = cli(home);
    await cairn("profile", "create", "dev");
    await cairn("--profile", "dev", "config", "set", "CAIRN_LOGGING_LEVEL=ERROR");
    const run = await cairn("profile", "use", "dev");
    assert.equal(run.stdout, 'Now using profile "dev".\n');
    const settings = loadSettings({ env: { CAIRN_HOME: home } });
    assert.equal(settings.profileName, "dev");
    assert.equal(settings.get("CAIRN_LOGGING_LEVEL"), "ERROR");
  });

  void test("a missing profile is refused, listing the existing ones", async () => {
    const home = tempHome();
    const run = await cli(home)("profile", "use", "prod");
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `Error: Profile "prod" does not exist in ${path.join(home, "profiles.toml")}. Existing profiles: default. ` +
        "Create it with `cairn profile create prod`.\n",
    );
  });

  void test("warns when CAIRN_PROFILE overrides the profile just chosen", async () => {
    const home = tempHome();
    await cli(home)("profile", "create", "dev");
    await cli(home)("profile", "create", "ci");
    const run = await cli(home, { CAIRN_PROFILE: "ci" })("profile", "use", "dev");
    assert.equal(run.code, 0);
    assert.match(run.stderr, /^Warning: CAIRN_PROFILE is set to "ci" in the environment and overrides the active profile; unset it to use "dev"\.\n$/);
  });
});

void describe("cairn profile delete", () => {
  void test("deletes a profile that is not active", async () => {
    const home = tempHome();
    const cairn = cli(home);
    await cairn("profile", "create", "dev");
    const run = await cairn("profile", "delete", "dev");
    assert.equal(run.code, 0);
    assert.equal(run.stdout, 'Deleted profile "dev".\n');
    assert.equal((await cairn("profile", "ls")).stdout, "* default\n");
  });

  void test("refuses to delete the active profile, saying what to do", async () => {
    const home = tempHome();
    const cairn = cli(home);
    await cairn("profile", "create", "dev");
    await cairn("profile", "use", "dev");
    const run = await cairn("profile", "delete", "dev");
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      'Error: Profile "dev" is the active profile and cannot be deleted. Switch to another profile first with `cairn profile use NAME`.\n',
    );
    assert.ok(readProfilesFile(path.join(home, "profiles.toml")).profiles.dev);
  });

  void test("refuses a missing profile", async () => {
    const run = await cli(tempHome())("profile", "delete", "ghost");
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Error: Profile "ghost" does not exist/);
  });
});

void describe("cairn profile inspect", () => {
  void test("shows the active profile's stored values, secrets masked", async () => {
    const home = tempHome();
    const cairn = cli(home);
    await cairn("config", "set", "CAIRN_API_URL=http://127.0.0.1:4200/api", "CAIRN_API_KEY=hunter2");
    const run = await cairn("profile", "inspect");
    assert.equal(run.stdout, "Profile \"default\" (active):\nCAIRN_API_URL='http://127.0.0.1:4200/api'\nCAIRN_API_KEY='********'\n");
    assert.match((await cairn("profile", "inspect", "--show-secrets")).stdout, /^CAIRN_API_KEY='hunter2'$/m);
  });

  void test("shows a named profile; an empty one says so", async () => {
    const home = tempHome();
    await cli(home)("profile", "create", "dev");
    assert.equal((await cli(home)("profile", "inspect", "dev")).stdout, 'Profile "dev" has no settings.\n');
  });

  void test("works when the file's active profile is missing", async () => {
    const home = tempHome();
    fs.writeFileSync(path.join(home, "profiles.toml"), 'active = "gone"\n[profiles.dev]\nCAIRN_SERVER_PORT = "1"\n');
    assert.equal((await cli(home)("profile", "inspect", "dev")).stdout, "Profile \"dev\":\nCAIRN_SERVER_PORT='1'\n");
    assert.match((await cli(home)("profile", "inspect")).stderr, /^Error: Profile "gone" does not exist/);
  });

  void test("a missing profile is refused", async () => {
    const run = await cli(tempHome())("profile", "inspect", "nope");
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Error: Profile "nope" does not exist/);
  });
});

void describe("profile commands and a broken profiles file", () => {
  void test("a malformed file is reported with its path and line", async () => {
    const home = tempHome();
    const file = path.join(home, "profiles.toml");
    fs.writeFileSync(file, 'active = "default"\n[profiles.default\n');
    const run = await cli(home)("profile", "ls");
    assert.equal(run.code, 1);
    assert.ok(run.stderr.startsWith(`Error: The profiles file ${file} is not valid TOML: `), run.stderr);
    assert.match(run.stderr, / at line 2, column \d+\./);
  });
});
