import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile, chmod, stat } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalFileSystem } from "../../src/blocks/local-file-system/local-file-system.js";
import { isStorageError, StorageErrorCode } from "../../src/blocks/storage-error.js";
import { isCairnError } from "../../src/errors/cairn-error.js";
import { tryWritePathNow } from "../../src/blocks/write-path-now.js";
import { readFileSync } from "node:fs";
import { runStorageContract } from "./storage.contract.js";

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "cairn-lfs-"));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
async function freshDir(): Promise<string> {
  const dir = join(root, `case-${counter++}`);
  await mkdir(dir);
  return dir;
}

/** Every file name under `dir`, recursively. */
async function allFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String);
}

runStorageContract("LocalFileSystem", async () => ({ storage: new LocalFileSystem({ basepath: join(await freshDir(), "base") }) }));
runStorageContract("LocalFileSystem (fsync)", async () => ({
  storage: new LocalFileSystem({ basepath: join(await freshDir(), "base"), fsync: true }),
}));

void describe("LocalFileSystem", () => {
  void it("resolves a relative basepath against the cwd and expands ~", async () => {
    assert.equal(new LocalFileSystem({ basepath: "rel/dir" }).basepath, resolve(process.cwd(), "rel/dir"));
    assert.equal(new LocalFileSystem({ basepath: "~" }).basepath, homedir());
    assert.equal(new LocalFileSystem({ basepath: "~/results" }).basepath, join(homedir(), "results"));
    const cwd = process.cwd();
    const dir = await freshDir();
    process.chdir(dir);
    try {
      const storage = new LocalFileSystem({ basepath: ".cairn-results" });
      process.chdir(cwd); // the base was fixed at construction
      await storage.writePath("k", bytesOf("v"));
      assert.deepEqual(await allFiles(join(dir, ".cairn-results")), ["k"]);
    } finally {
      process.chdir(cwd);
    }
  });

  void it("creates the base on first write, not at construction", async () => {
    const base = join(await freshDir(), "not", "yet");
    const storage = new LocalFileSystem({ basepath: base });
    await assert.rejects(stat(base));
    await assert.rejects(storage.readPath("k"), (err: unknown) => isStorageError(err, StorageErrorCode.NotFound));
    assert.equal(await storage.exists("k"), false);
    await storage.writePath("k", bytesOf("v"));
    assert.ok((await stat(base)).isDirectory());
  });

  void it("describes itself and round-trips its config", () => {
    const storage = new LocalFileSystem({ basepath: "/data/results", fsync: true });
    assert.equal(storage.describe(), "local-file-system at /data/results");
    assert.equal(storage.blockTypeSlug, "local-file-system");
    assert.equal(LocalFileSystem.blockTypeSlug, "local-file-system");
    assert.deepEqual(storage.toConfig(), { basepath: "/data/results", fsync: true });
    assert.deepEqual(LocalFileSystem.fromConfig(storage.toConfig()).toConfig(), storage.toConfig());
    assert.equal(storage.pathFor("a/b.json"), "/data/results/a/b.json");
  });

  void it("refuses a missing or bad basepath with a configuration error", () => {
    for (const basepath of ["", "  ", "a\0b", undefined, 42]) {
      assert.throws(
        () => new LocalFileSystem({ basepath: basepath as string }),
        (err: unknown) => isCairnError(err, "CONFIGURATION_ERROR") && /basepath/.test(err.message),
      );
    }
    assert.throws(() => LocalFileSystem.fromConfig({ basepath: 3 }), /basepath/);
    assert.throws(() => new LocalFileSystem({ basepath: "x", fsync: "yes" as unknown as boolean }), /fsync must be true or false/);
  });

  void it("leaves no temporary files after successful writes", async () => {
    const base = await freshDir();
    const storage = new LocalFileSystem({ basepath: base });
    await Promise.all(Array.from({ length: 100 }, (_, i) => storage.writePath(`d${i % 3}/k${i}`, bytesOf(`${i}`))));
    await Promise.all(Array.from({ length: 20 }, () => storage.writePath("same", bytesOf("x"))));
    const files = await allFiles(base);
    assert.equal(files.filter((f) => f.endsWith(".tmp")).length, 0, files.join(", "));
  });

  void it("cleans up the temporary file when the rename fails (a directory at the key)", async () => {
    const base = await freshDir();
    await mkdir(join(base, "target", "inside"), { recursive: true });
    const storage = new LocalFileSystem({ basepath: base });
    await assert.rejects(storage.writePath("target", bytesOf("x")), (err: unknown) => {
      assert.ok(isStorageError(err, StorageErrorCode.IsADirectory), String(err));
      assert.match(err.message, /"target"/);
      assert.ok(err.message.includes(`${join(base, "target")} is a directory`), err.message);
      assert.ok(err.cause instanceof Error);
      return true;
    });
    assert.deepEqual((await allFiles(base)).sort(), ["target", join("target", "inside")]);
  });

  void it("names the file that blocks a directory (not a directory)", async () => {
    const base = await freshDir();
    const storage = new LocalFileSystem({ basepath: base });
    await storage.writePath("a", bytesOf("file"));
    for (const key of ["a/b", "a/b/c/d"]) {
      await assert.rejects(storage.writePath(key, bytesOf("x")), (err: unknown) => {
        assert.ok(isStorageError(err, StorageErrorCode.NotADirectory), String(err));
        assert.ok(err.message.includes(`${join(base, "a")} is a file, not a directory`), err.message);
        return true;
      });
    }
    assert.deepEqual(await allFiles(base), ["a"]);
  });

  void it("writes a small file synchronously once its directory is known, and declines what writePath must do", async () => {
    const base = await freshDir();
    const storage = new LocalFileSystem({ basepath: base });
    assert.equal(tryWritePathNow(storage, "d/first", bytesOf("1")), false, "an unverified directory goes through writePath");
    assert.deepEqual(await allFiles(base), []);
    await storage.writePath("d/first", bytesOf("1"));
    assert.equal(tryWritePathNow(storage, "d/second", bytesOf("2")), true);
    // Complete under its final name when it returns, and no temporary file left.
    assert.equal(readFileSync(join(base, "d", "second"), "utf8"), "2");
    assert.deepEqual((await allFiles(base)).sort(), ["d", join("d", "first"), join("d", "second")]);
    assert.equal(tryWritePathNow(storage, "d/big", new Uint8Array(64 * 1024 + 1)), false, "over 64 KiB: asynchronous");
    assert.equal(tryWritePathNow(storage, "../escape", bytesOf("x")), false, "a bad key: writePath reports it");
    const durable = new LocalFileSystem({ basepath: base, fsync: true });
    await durable.writePath("d/third", bytesOf("3"));
    assert.equal(tryWritePathNow(durable, "d/fourth", bytesOf("4")), false, "fsync: asynchronous");
    assert.deepEqual((await allFiles(base)).sort(), ["d", join("d", "first"), join("d", "second"), join("d", "third")]);
  });

  void it("a synchronous write that fails leaves nothing and declines, so writePath reports the error", async () => {
    const base = await freshDir();
    const storage = new LocalFileSystem({ basepath: base });
    await storage.writePath("d/first", bytesOf("1"));
    await mkdir(join(base, "d", "target", "inside"), { recursive: true });
    assert.equal(tryWritePathNow(storage, "d/target", bytesOf("x")), false);
    assert.deepEqual((await allFiles(base)).sort(), ["d", join("d", "first"), join("d", "target"), join("d", "target", "inside")]);
    await assert.rejects(storage.writePath("d/target", bytesOf("x")), (err: unknown) => isStorageError(err, StorageErrorCode.IsADirectory));
  });

  void it("writes again after the base directory was removed", async () => {
    const base = join(await freshDir(), "base");
    const storage = new LocalFileSystem({ basepath: base });
    await storage.writePath("d/k", bytesOf("1"));
    await rm(base, { recursive: true });
    await storage.writePath("d/k", bytesOf("2"));
    assert.equal(new TextDecoder().decode(await storage.readPath("d/k")), "2");
  });

  void it("refuses symbolic links that lead outside the base, and creates nothing there", async () => {
    const dir = await freshDir();
    const base = join(dir, "base");
    const outside = join(dir, "outside");
    await mkdir(base);
    await mkdir(outside);
    await writeFile(join(outside, "secret.txt"), "secret");
    await symlink(outside, join(base, "link"));
    await symlink(join(outside, "secret.txt"), join(base, "secret"));
    const storage = new LocalFileSystem({ basepath: base });
    const refused = (key: string) => (err: unknown) => {
      assert.ok(isStorageError(err, StorageErrorCode.InvalidKey), String(err));
      assert.ok(err.message.includes(JSON.stringify(key)) && err.message.includes(storage.describe()), err.message);
      assert.match(err.message, /symbolic link/);
      return true;
    };
    await assert.rejects(storage.writePath("link/new/x.json", bytesOf("x")), refused("link/new/x.json"));
    await assert.rejects(storage.writePath("link/x.json", bytesOf("x")), refused("link/x.json"));
    await assert.rejects(storage.readPath("link/secret.txt"), refused("link/secret.txt"));
    await assert.rejects(storage.readPath("secret"), refused("secret"));
    await assert.rejects(storage.exists("secret"), refused("secret"));
    assert.deepEqual(await allFiles(outside), ["secret.txt"]);
  });

  void it("follows symbolic links that stay inside the base", async () => {
    const base = await freshDir();
    const storage = new LocalFileSystem({ basepath: base });
    await storage.writePath("real/file.json", bytesOf("inside"));
    await symlink(join(base, "real"), join(base, "alias"));
    await symlink(join(base, "real", "file.json"), join(base, "flink"));
    assert.equal(new TextDecoder().decode(await storage.readPath("alias/file.json")), "inside");
    assert.equal(new TextDecoder().decode(await storage.readPath("flink")), "inside");
    assert.equal(await storage.exists("flink"), true);
  });

  void it("does not list temporary files of writes in progress", async () => {
    const base = await freshDir();
    const storage = new LocalFileSystem({ basepath: base });
    await storage.writePath("a/k.json", bytesOf("1"));
    await writeFile(join(base, "a", ".k.json.0123456789abcdef.tmp"), "partial");
    const listed = [];
    for await (const f of storage.listPaths()) listed.push(f.path);
    assert.deepEqual(listed, ["a/k.json"]);
  });

  void it("reports permission denied with the OS error as cause", async () => {
    // Root ignores file permissions, so as root the write runs in a child process as user "nobody".
    const base = await freshDir();
    const storage = new LocalFileSystem({ basepath: base });
    await storage.writePath("d/k", bytesOf("1"));
    await chmod(root, 0o755);
    await chmod(base, 0o755);
    await chmod(join(base, "d"), 0o555);
    try {
      const asRoot = process.getuid?.() === 0;
      const { execFileSync } = await import("node:child_process");
      const out = execFileSync(process.execPath, ["--import", "tsx", "test/fixtures/permission-child.ts", base], {
        encoding: "utf8",
        ...(asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: "/tmp" } } : {}),
      });
      const result = JSON.parse(out.trim().split("\n").at(-1)!) as { readOk: boolean; permissionDenied: boolean; message: string; causeCode: string };
      assert.equal(result.readOk, true, "the child can reach the folder: the write is refused by the folder's own mode");
      assert.equal(result.permissionDenied, true, out);
      assert.match(result.message, /Permission denied/);
      assert.equal(result.causeCode, "EACCES");
    } finally {
      await chmod(join(base, "d"), 0o700);
    }
  });

  void it("writes thousands of files at once without running out of file descriptors", async () => {
    const storage = new LocalFileSystem({ basepath: await freshDir() });
    await Promise.all(Array.from({ length: 3000 }, (_, i) => storage.writePath(`k${i}`, bytesOf(`${i}`))));
    let n = 0;
    for await (const _ of storage.listPaths()) n++;
    assert.equal(n, 3000);
  });

  void it("openWriter shows nothing under the key until commit, then the whole file; abort leaves nothing", async () => {
    for (const fsync of [false, true]) {
      const base = await freshDir();
      const storage = new LocalFileSystem({ basepath: base, fsync });
      await storage.writePath("a/k", bytesOf("old"));
      const writer = await storage.openWriter("a/k");
      await writer.write(bytesOf("world"), 6);
      await writer.write(bytesOf("hello "), 0);
      assert.equal(Buffer.from(await storage.readPath("a/k")).toString(), "old", "the old file stays until commit");
      await writer.commit();
      assert.equal(Buffer.from(await storage.readPath("a/k")).toString(), "hello world");
      assert.deepEqual((await allFiles(join(base, "a"))).sort(), ["k"], "no temporary file is left");

      const dropped = await storage.openWriter("b/new");
      await dropped.write(bytesOf("partial"), 0);
      await dropped.abort();
      await dropped.abort();
      assert.equal(await storage.exists("b/new"), false);
      assert.deepEqual(await allFiles(join(base, "b")), [], "abort removes the temporary file");
    }
  });

  void it("openReader reads by position and reports the size; a missing key or a directory is a clear error", async () => {
    const storage = new LocalFileSystem({ basepath: await freshDir() });
    await storage.writePath("d/k", bytesOf("0123456789"));
    const reader = await storage.openReader("d/k");
    try {
      assert.equal(reader.size, 10);
      const into = Buffer.alloc(4);
      assert.equal(await reader.read(into, 0, 4, 3), 4);
      assert.equal(into.toString(), "3456");
      assert.equal(await reader.read(into, 0, 4, 10), 0);
    } finally {
      await reader.close();
      await reader.close();
    }
    await assert.rejects(storage.openReader("d/missing"), (err: unknown) =>
      isStorageError(err, StorageErrorCode.NotFound) && err.message.includes('"d/missing"') && err.message.includes(storage.describe()));
    await assert.rejects(storage.openReader("d"), (err: unknown) => isStorageError(err) && err.message.includes('"d"'));
    await assert.rejects(storage.openWriter("../out"), (err: unknown) => isStorageError(err, StorageErrorCode.InvalidKey));
  });

  void it("openReader follows a symbolic link inside the base and refuses one leading outside", async () => {
    const dir = await freshDir();
    const base = join(dir, "base");
    const storage = new LocalFileSystem({ basepath: base });
    await storage.writePath("real", bytesOf("inside"));
    await writeFile(join(dir, "secret"), "outside");
    await symlink(join(base, "real"), join(base, "alias"));
    await symlink(join(dir, "secret"), join(base, "escape"));
    const reader = await storage.openReader("alias");
    assert.equal(reader.size, 6);
    await reader.close();
    await assert.rejects(storage.openReader("escape"), (err: unknown) => isStorageError(err, StorageErrorCode.InvalidKey));
  });

  void it("measures small writes and reads (diagnostic, not asserted)", async (t) => {
    for (const fsync of [false, true]) {
      const storage = new LocalFileSystem({ basepath: await freshDir(), fsync });
      const payload = bytesOf("x".repeat(300));
      const n = fsync ? 300 : 2000;
      await storage.writePath("warm", payload);
      let start = performance.now();
      for (let i = 0; i < n; i++) await storage.writePath(`k${i}`, payload);
      const write = (performance.now() - start) / n;
      start = performance.now();
      for (let i = 0; i < n; i++) await storage.readPath(`k${i}`);
      const read = (performance.now() - start) / n;
      t.diagnostic(`fsync=${fsync}: sequential 300-byte write ${write.toFixed(3)} ms, read ${read.toFixed(3)} ms`);
    }
  });
});
