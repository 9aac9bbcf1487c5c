import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ConfigurationError } from "../../src/errors/configuration-error.js";
import { ProfileStore } from "../../src/settings/index.js";

const homes: string[] = [];
after(() => homes.forEach((home) => fs.rmSync(home, { recursive: true, force: true })));

function newStore(): ProfileStore {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-profile-store-"));
  homes.push(home);
  return new ProfileStore(path.join(home, ".cairn"));
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
    return error.message;
  }
  assert.fail("did not throw");
}

void describe("ProfileStore", () => {
  void test("create writes the file (and CAIRN_HOME) with default kept active", () => {
    const store = newStore();
    store.create("dev");
    assert.ok(fs.existsSync(store.file));
    const document = store.read();
    assert.equal(document.active, "default");
    assert.deepEqual(Object.keys(document.profiles), ["default", "dev"]);
  });

  void test("create --from copies the other profile's values", () => {
    const store = newStore();
    store.set("default", { CAIRN_SERVER_PORT: "4300" });
    assert.deepEqual(store.create("copy", { from: "default" }), { CAIRN_SERVER_PORT: "4300" });
    assert.deepEqual(store.read().profiles.copy, { CAIRN_SERVER_PORT: "4300" });
  });

  void test("create refuses a duplicate, a bad name and a missing --from profile", () => {
    const store = newStore();
    store.create("dev");
    assert.equal(
      message(() => store.create("dev")),
      `Profile "dev" already exists in ${store.file}. Choose another name, or switch to it with \`cairn profile use dev\`.`,
    );
    assert.match(message(() => store.create("my profile")), /^"my profile" is not a valid profile name/);
    assert.equal(
      message(() => store.create("x", { from: "nope" })),
      `Profile "nope" does not exist in ${store.file}. Existing profiles: default, dev. Create it with \`cairn profile create nope\`.`,
    );
  });

  void test("use marks a profile active; a missing one is refused", () => {
    const store = newStore();
    store.create("dev");
    store.use("dev");
    assert.equal(store.read().active, "dev");
    assert.match(message(() => store.use("prod")), /^Profile "prod" does not exist in .* Existing profiles: default, dev\./);
    assert.equal(store.read().active, "dev");
  });

  void test("delete removes a profile but refuses the active one and the one CAIRN_PROFILE names", () => {
    const store = newStore();
    store.create("dev");
    store.create("ci");
    assert.equal(
      message(() => store.delete("default")),
      'Profile "default" is the active profile and cannot be deleted. Switch to another profile first with `cairn profile use NAME`.',
    );
    assert.match(message(() => store.delete("ci", { envProfile: "ci" })), /^Profile "ci" is the active profile .*Unset CAIRN_PROFILE/);
    store.delete("dev");
    assert.deepEqual(Object.keys(store.read().profiles), ["default", "ci"]);
    assert.match(message(() => store.delete("dev")), /^Profile "dev" does not exist/);
  });

  void test("set validates every value before writing anything", () => {
    const store = newStore();
    store.set("default", { CAIRN_SERVER_PORT: "4300" });
    assert.equal(
      message(() => store.set("default", { CAIRN_LOGGING_LEVEL: "DEBUG", CAIRN_SERVER_PORT: "99999" })),
      'CAIRN_SERVER_PORT must be an integer between 1 and 65535, got "99999" (given for profile "default").',
    );
    assert.deepEqual(store.read().profiles.default, { CAIRN_SERVER_PORT: "4300" });
    assert.match(message(() => store.set("default", { CAIRN_API_URL: "" })), /cannot be set to an empty value.*cairn config unset CAIRN_API_URL/);
    assert.match(message(() => store.set("default", { CAIRN_HOME: "/x" })), /^CAIRN_HOME cannot be set in a profile/);
    assert.match(message(() => store.set("default", { cairn_api_url: "http://x" })), /Did you mean CAIRN_API_URL\?/);
  });

  void test("set keeps values as given (relative paths resolve when settings load)", () => {
    const store = newStore();
    store.set("default", { CAIRN_LOCAL_STORAGE_PATH: "results", CAIRN_LOGGING_LEVEL: "debug" });
    assert.deepEqual(store.read().profiles.default, { CAIRN_LOCAL_STORAGE_PATH: "results", CAIRN_LOGGING_LEVEL: "debug" });
  });

  void test("unset removes values; a key that is not set is refused and nothing changes", () => {
    const store = newStore();
    store.set("default", { CAIRN_SERVER_PORT: "4300", CAIRN_SERVER_HOST: "0.0.0.0" });
    assert.equal(
      message(() => store.unset("default", ["CAIRN_SERVER_PORT", "CAIRN_API_URL"])),
      'CAIRN_API_URL is not set in profile "default"; nothing was changed.',
    );
    assert.match(message(() => store.unset("default", ["CAIRN_NOPE"])), /^Unknown setting "CAIRN_NOPE"/);
    store.unset("default", ["CAIRN_SERVER_PORT"]);
    assert.deepEqual(store.read().profiles.default, { CAIRN_SERVER_HOST: "0.0.0.0" });
  });

  void test("unset removes an unknown key that a profile holds (so a broken profile can be fixed)", () => {
    const store = newStore();
    fs.mkdirSync(store.home, { recursive: true });
    fs.writeFileSync(store.file, '[profiles.default]\nCAIRN_TYPO = "1"\n');
    store.unset("default", ["CAIRN_TYPO"]);
    assert.deepEqual(store.read().profiles.default, {});
  });

  void test("active: CAIRN_PROFILE first, then the file", () => {
    const store = newStore();
    store.create("dev");
    const document = store.read();
    assert.deepEqual(store.active(document), { name: "default", source: "file" });
    assert.deepEqual(store.active(document, "dev"), { name: "dev", source: "env" });
    assert.match(message(() => store.active(document, "prod")), /Profile "prod" \(named by CAIRN_PROFILE or --profile\) does not exist/);
  });
});
