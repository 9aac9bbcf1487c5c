// Runs every ```ts example=NAME block of the README, and every file in examples/, as a user
// would: in a fresh process, importing "cairn" (the built package), on a fresh CAIRN_HOME.
// A `// prints: X` comment on a line means X must be printed, in that order.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const tsx = import.meta.resolve("tsx");

interface Example { name: string; code: string }

function readmeExamples(): Example[] {
  const text = readFileSync(join(root, "README.md"), "utf8");
  return [...text.matchAll(/```ts example=([\w-]+)\n([\s\S]*?)```/g)].map((m) => ({ name: m[1]!, code: m[2]! }));
}

function expectedLines(code: string): string[] {
  return [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]!.trim());
}

async function runExample(file: string, code: string): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "cairn-readme-"));
  try {
    const { stdout } = await run(process.execPath, ["--import", tsx, file], {
      cwd: home,
      env: { ...process.env, CAIRN_HOME: home, CAIRN_LOGGING_TO_CONSOLE: "false", CAIRN_PROFILE: undefined },
      timeout: 60_000,
    });
    const lines = stdout.split("\n").map((l) => l.trim());
    let at = 0;
    for (const expected of expectedLines(code)) {
      const found = lines.indexOf(expected, at);
      assert.ok(found >= 0, `expected the output to contain ${JSON.stringify(expected)} (in order); got:\n${stdout}`);
      at = found + 1;
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe("the README's examples run", () => {
  const dir = join(root, ".tmp", "readme-examples");
  mkdirSync(dir, { recursive: true });
  const examples = readmeExamples();
  it("has examples to run", () => assert.ok(examples.length >= 4));
  for (const example of examples) {
    it(`README example "${example.name}"`, async () => {
      const file = join(dir, `${example.name}.ts`);
      writeFileSync(file, example.code);
      await runExample(file, example.code);
    });
  }
});

describe("examples/ run", () => {
  for (const name of readdirSync(join(root, "examples")).filter((f) => f.endsWith(".ts"))) {
    it(`examples/${name}`, async () => {
      const file = join(root, "examples", name);
      await runExample(file, readFileSync(file, "utf8"));
    });
  }
});
