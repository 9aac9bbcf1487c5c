// Runs every ```ts example=NAME block of the README, and every file in examples/, as a user
// would: in a fresh process, importing "cairn" (the built package), on a fresh CAIRN_HOME.
// A `// prints: X` comment on a line means X must be printed, in that order (`…` in X
// stands for any text). examples/ run with a real S3 server (SeaweedFS) in their environment.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { startS3Server, type S3TestServer } from "../support/s3-server.js";

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

/** Whether an output line is the expected one; `…` in `expected` matches any text. */
function matches(line: string, expected: string): boolean {
  if (!expected.includes("…")) return line === expected;
  const pattern = expected.split("…").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${pattern}$`).test(line);
}

async function runExample(file: string, code: string, env: Record<string, string> = {}): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "cairn-readme-"));
  try {
    const { stdout } = await run(process.execPath, ["--import", tsx, file], {
      cwd: home,
      env: { ...process.env, CAIRN_HOME: home, CAIRN_LOGGING_TO_CONSOLE: "false", CAIRN_PROFILE: undefined, ...env },
      timeout: 60_000,
    });
    const lines = stdout.split("\n").map((l) => l.trim());
    let at = 0;
    for (const expected of expectedLines(code)) {
      const found = lines.findIndex((line, i) => i >= at && matches(line, expected));
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
  // The S3 examples read where to connect from these variables (see examples/s3-helpers.ts).
  let s3: S3TestServer | undefined;
  before(async () => {
    s3 = await startS3Server();
  });
  after(async () => {
    await s3?.stop();
  });
  const s3Env = (): Record<string, string> => ({
    CAIRN_EXAMPLE_S3_ENDPOINT: s3!.endpoint,
    CAIRN_EXAMPLE_S3_BUCKET: s3!.bucket,
    AWS_ACCESS_KEY_ID: s3!.adminKeys.awsAccessKeyId,
    AWS_SECRET_ACCESS_KEY: s3!.adminKeys.awsSecretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });
  for (const name of readdirSync(join(root, "examples")).filter((f) => f.endsWith(".ts"))) {
    it(`examples/${name}`, async () => {
      const file = join(root, "examples", name);
      await runExample(file, readFileSync(file, "utf8"), s3Env());
    });
  }
});
