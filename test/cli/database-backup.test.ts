// `cairn server database backup PATH`: SQLite's online backup, taken while another process
// keeps writing to the store; refusals (PostgreSQL, an existing PATH, the database itself).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { runCli } from "../../src/cli/main.js";
import { backupSqliteDatabase } from "../../src/database/sqlite/backup-sqlite-database.js";
import { isCairnError } from "../../src/errors/cairn-error.js";

let home: string;
let dbFile: string;
before(() => {
  home = mkdtempSync(join(tmpdir(), "cairn-backup-"));
  dbFile = join(home, "cairn.db");
});
after(() => {
  rmSync(home, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { CAIRN_HOME: home, ...env }, cwd: home });

/** Counts rows of a copy (opened read-only: it is not the live store). */
function countRows(file: string, table: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A writer process on the store; resolves once it committed its first round. */
async function startWriter() {
  const child = spawn(process.execPath, ["--import", "tsx", "test/cli/fixtures/store-writer.ts", dbFile], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (out.includes("ready")) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(poll);
      reject(new Error(`the writer exited (${code}): ${err}`));
    });
  });
  return {
    stop: async (): Promise<number> => {
      child.kill("SIGTERM");
      const code = await exited;
      assert.equal(code, 0, err);
      const match = /wrote (\d+)/.exec(out);
      assert.ok(match, out);
      return Number(match[1]);
    },
  };
}

describe("cairn server database backup", () => {
  test("copies the store while another process writes to it: consistent, complete up to a moment, and the writer loses nothing", async () => {
    const writer = await startWriter();
    try {
      await new Promise((r) => setTimeout(r, 300));
      const first = await cli(["server", "database", "backup", "backups/one.db"]);
      assert.equal(first.code, 0, first.stderr);
      const one = join(home, "backups", "one.db");
      assert.match(first.stdout, new RegExp(`^Backed up SQLite at ${dbFile.replace(/[.]/g, "\\.")} to ${one.replace(/[.]/g, "\\.")}: [\\d.]+ (B|KiB|MiB), \\d+ pages, integrity check ok`));
      assert.equal(first.stderr, "", "no progress line when stderr is not a terminal");

      await new Promise((r) => setTimeout(r, 300));
      // FORCE_COLOR stands for a terminal: the progress line is drawn on stderr.
      const second = await cli(["server", "database", "backup", "backups/two.db"], { FORCE_COLOR: "1" });
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /Backing up .*cairn\.db: 100% \(\d+\/\d+ pages\)/);
      const two = join(home, "backups", "two.db");

      const written = await writer.stop();
      // The writer's connection was never disturbed: every commit it made is in the store.
      assert.equal(countRows(dbFile, "flow_run"), written);
      assert.equal(countRows(dbFile, "run_state"), written);
      for (const copy of [one, two]) {
        const db = new Database(copy, { readonly: true, fileMustExist: true });
        try {
          assert.equal(db.pragma("quick_check", { simple: true }), "ok");
          assert.equal(db.pragma("journal_mode", { simple: true }), "delete");
        } finally {
          db.close();
        }
        assert.ok(!existsSync(`${copy}-wal`), "the backup is one self-contained file");
        const runs = countRows(copy, "flow_run");
        // A snapshot of whole commits: each round's runs and states together.
        assert.ok(runs > 0 && runs < written && runs % 20 === 0, `${runs} of ${written}`);
        assert.equal(countRows(copy, "run_state"), runs);
      }
      assert.ok(countRows(one, "flow_run") < countRows(two, "flow_run"));

      // The backup is a store Cairn opens as is.
      const listed = await cli(["flow-run", "ls", "--limit", "3"], { CAIRN_API_DATABASE_URL: `sqlite:///${two}` });
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /backup-writer/);
    } finally {
      await writer.stop().catch(() => undefined);
    }
  });

  test("writes by another connection restart the copy; after maxRestarts the rest is copied in one step", async () => {
    const other = new Database(dbFile);
    other.pragma("busy_timeout = 5000");
    other.exec("create table cairn_backup_probe (n integer)");
    const before = countRows(dbFile, "flow_run");
    const seen: number[] = [];
    let inserted = 0;
    try {
      const result = await backupSqliteDatabase(dbFile, join(home, "restarts.db"), {
        pagesPerStep: 2,
        maxRestarts: 2,
        onProgress: (p) => {
          seen.push(p.restarts);
          if (p.remainingPages > 0 && inserted < 5) {
            other.prepare("insert into cairn_backup_probe values (?)").run(++inserted);
          }
        },
      });
      assert.equal(result.restarts, 2);
      assert.ok(seen.includes(0) && seen.includes(1) && seen.includes(2), seen.join(","));
      // The last start copied everything in one step, after the last insert: all of them are in it.
      assert.equal(countRows(result.path, "cairn_backup_probe"), inserted);
      assert.equal(countRows(result.path, "flow_run"), before);
    } finally {
      other.close();
    }
  });

  test("an existing PATH is refused unless --overwrite, and is left untouched", async () => {
    const target = join(home, "taken.db");
    writeFileSync(target, "not a database");
    const refused = await cli(["server", "database", "backup", "taken.db"]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /taken\.db already exists: nothing was written\. Pass --overwrite to replace it/);
    assert.equal(readFileSync(target, "utf8"), "not a database");

    const replaced = await cli(["server", "database", "backup", "taken.db", "--overwrite"]);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(countRows(target, "flow_run"), countRows(dbFile, "flow_run"));
  });

  test("the database itself, a directory, and a missing store are refused with what to do", async () => {
    const self = await cli(["server", "database", "backup", "cairn.db", "--overwrite"]);
    assert.equal(self.code, 1);
    assert.match(self.stderr, /would overwrite the database itself/);
    const wal = await cli(["server", "database", "backup", "cairn.db-wal", "--overwrite"]);
    assert.match(wal.stderr, /would overwrite the database itself/);
    const dir = await cli(["server", "database", "backup", "."]);
    assert.match(dir.stderr, /is a directory: give the path of the backup file to create/);
    await assert.rejects(
      backupSqliteDatabase(join(home, "absent.db"), join(home, "x.db")),
      (err: unknown) => isCairnError(err, "BACKUP_SOURCE_MISSING") && /There is no database to back up at/.test(err.message),
    );
    assert.ok(!existsSync(join(home, "x.db")));
  });

  test("PostgreSQL is refused with a pointer to pg_dump, the password never shown", async () => {
    const run = await cli(["server", "database", "backup", "out.dump"], {
      CAIRN_API_DATABASE_URL: "postgresql://cairn:hunter2@127.0.0.1:5432/cairn",
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /PostgreSQL database \(postgresql:\/\/cairn:\*+@127\.0\.0\.1:5432\/cairn\): back it up with PostgreSQL's own tools, e\.g\. pg_dump/);
    assert.doesNotMatch(run.stderr, /hunter2/);
    assert.ok(!existsSync(join(home, "out.dump")));
  });
});
