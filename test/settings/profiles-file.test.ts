import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ConfigurationError } from "../../src/errors/configuration-error.js";
import {
  parseProfiles,
  readProfilesFile,
  serializeProfiles,
  writeFileAtomicSync,
  writeProfilesFile,
} from "../../src/settings/index.js";

const dirs: string[] = [];
after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-profiles-file-"));
  dirs.push(dir);
  return dir;
}

function parseError(text: string): ConfigurationError {
  try {
    parseProfiles(text, "/home/me/.cairn/profiles.toml");
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error;
  }
  assert.fail("parseProfiles did not throw");
}

void describe("profiles file: reading", () => {
  void test("a missing file reads as one empty, active profile named default", () => {
    assert.deepEqual(readProfilesFile(path.join(tempDir(), "profiles.toml")), {
      active: "default",
      profiles: { default: {} },
    });
  });

  void test("reads the active profile and every profile's values in order", () => {
    const document = parseProfiles(
      'active = "dev"\n\n[profiles.default]\n\n[profiles.dev]\nCAIRN_API_URL = "http://127.0.0.1:4200/api"\nCAIRN_SERVER_PORT = 4300\n',
      "profiles.toml",
    );
    assert.equal(document.active, "dev");
    assert.deepEqual(Object.keys(document.profiles), ["default", "dev"]);
    assert.deepEqual(document.profiles.dev, { CAIRN_API_URL: "http://127.0.0.1:4200/api", CAIRN_SERVER_PORT: "4300" });
  });

  void test("without an active line, default is active (and implicitly exists)", () => {
    const document = parseProfiles('[profiles.dev]\nCAIRN_SERVER_PORT = "1"\n', "profiles.toml");
    assert.equal(document.active, "default");
    assert.deepEqual(Object.keys(document.profiles), ["default", "dev"]);
  });

  void test("malformed TOML: the error names the file and the line, and shows it", () => {
    const error = parseError('active = "dev"\n[profiles.dev\nCAIRN_SERVER_PORT = "1"\n');
    assert.match(error.message, /^The profiles file \/home\/me\/\.cairn\/profiles\.toml is not valid TOML: .* at line 2, column \d+\./);
    assert.match(error.message, /2: {2}\[profiles\.dev/);
    assert.match(error.message, /Fix the file, or delete it to start over\.$/);
  });

  void test("a well-formed file of the wrong shape is refused with the key at fault", () => {
    assert.match(parseError('colour = "blue"\n').message, /unknown top-level key "colour"/);
    assert.match(parseError("active = 3\n").message, /"active" must be a profile name in quotes/);
    assert.match(parseError('profiles = "x"\n').message, /"profiles" must be a table/);
    assert.match(parseError('[profiles]\ndev = "x"\n').message, /profiles\.dev must be a table of KEY = "value" lines/);
    assert.match(
      parseError("[profiles.dev]\nCAIRN_API_URL = [1, 2]\n").message,
      /^The profiles file \/home\/me\/\.cairn\/profiles\.toml is not valid: CAIRN_API_URL in profile "dev" must be a string, a number or a boolean\.$/,
    );
  });
});

void describe("profiles file: writing", () => {
  void test("serializes to readable TOML that reads back the same", () => {
    const document = {
      active: "dev",
      profiles: { default: {}, dev: { CAIRN_API_URL: "http://x/api", CAIRN_API_KEY: 'quote " and \\ backslash' }, "team.a": {} },
    };
    const text = serializeProfiles(document);
    assert.equal(
      text,
      'active = "dev"\n\n[profiles.default]\n\n[profiles.dev]\nCAIRN_API_URL = "http://x/api"\n' +
        'CAIRN_API_KEY = "quote \\" and \\\\ backslash"\n\n[profiles."team.a"]\n',
    );
    assert.deepEqual(parseProfiles(text, "profiles.toml"), document);
  });

  void test("creates CAIRN_HOME on first write; the file is private to its owner", () => {
    const home = path.join(tempDir(), "nested", ".cairn");
    const file = path.join(home, "profiles.toml");
    writeProfilesFile(file, { active: "default", profiles: { default: { CAIRN_API_KEY: "secret" } } });
    assert.deepEqual(readProfilesFile(file).profiles.default, { CAIRN_API_KEY: "secret" });
    if (process.platform !== "win32") assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  void test("atomic write: replaces the whole file and leaves no temporary file", () => {
    const dir = tempDir();
    const file = path.join(dir, "profiles.toml");
    fs.writeFileSync(file, "old content");
    writeFileAtomicSync(file, "new content");
    assert.equal(fs.readFileSync(file, "utf8"), "new content");
    assert.deepEqual(fs.readdirSync(dir), ["profiles.toml"]);
  });

  void test("atomic write: a failed rename keeps the old content and cleans up", () => {
    const dir = tempDir();
    const target = path.join(dir, "profiles.toml");
    fs.mkdirSync(target); // renaming a file over a directory fails
    fs.writeFileSync(path.join(target, "keep"), "x");
    assert.throws(() => writeFileAtomicSync(target, "new content"));
    assert.deepEqual(fs.readdirSync(dir), ["profiles.toml"]);
    assert.equal(fs.readFileSync(path.join(target, "keep"), "utf8"), "x");
  });

  void test("a write that fails is reported as a ConfigurationError naming the file", () => {
    const dir = tempDir();
    const file = path.join(dir, "profiles.toml");
    fs.mkdirSync(file);
    assert.throws(
      () => writeProfilesFile(file, { active: "default", profiles: { default: {} } }),
      (error: unknown) =>
        error instanceof ConfigurationError && error.message.startsWith(`Could not write the profiles file ${file}: `),
    );
  });

  void test("a reader in another process never sees a half-written file", async () => {
    const dir = tempDir();
    const file = path.join(dir, "profiles.toml");
    const stop = path.join(dir, "stop");
    const content = (letter: string) => letter.repeat(200_000) + "END";
    writeFileAtomicSync(file, content("A"));
    const reader = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs");
         const [file, stop] = process.argv.slice(1);
         const whole = ["A", "B"].map((letter) => letter.repeat(200000) + "END");
         let reads = 0, torn = 0;
         console.log("ready");
         while (!fs.existsSync(stop)) {
           const text = fs.readFileSync(file, "utf8");
           reads++;
           if (!whole.includes(text)) torn++;
         }
         console.log(JSON.stringify({ reads, torn }));`,
        file,
        stop,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    reader.stdout.setEncoding("utf8");
    const exited = new Promise((resolve) => reader.on("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      reader.stdout.on("data", (chunk: string) => {
        output += chunk;
        if (output.includes("ready")) resolve();
      });
      void exited.then(() => reject(new Error(`the reader exited early: ${output}`)));
    });
    for (let i = 0; i < 200; i++) writeFileAtomicSync(file, content(i % 2 === 0 ? "B" : "A"));
    fs.writeFileSync(stop, "");
    await exited;
    const result = JSON.parse(output.split("\n")[1] ?? "{}") as { reads: number; torn: number };
    assert.ok(result.reads > 0);
    assert.equal(result.torn, 0);
  });
});
