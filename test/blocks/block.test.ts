import assert from "node:assert/strict";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { Block } from "../../src/blocks/block.js";
import { BlockError, BlockErrorCode } from "../../src/blocks/block-error.js";
import { BlockFieldsError } from "../../src/blocks/block-fields.js";
import { parseBlockSlug } from "../../src/blocks/block-name.js";
import { BUILTIN_BLOCK_TYPES, blockTypes, findBlockType, registerBlockType, requireBlockType } from "../../src/blocks/block-registry.js";
import "../../src/blocks/builtin-block-types.js";
import { LocalFileSystem } from "../../src/blocks/local-file-system/local-file-system.js";
import { isCairnError } from "../../src/errors/cairn-error.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { Greeting, TokenFolder } from "./block-fixtures.js";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

/** Runs `fn` with the test engine in scope (so blocks use its store). */
const inEngine = <T>(fn: () => Promise<T>): Promise<T> => t.engine.run(fn);

const isBlockError = (code: BlockErrorCode, pattern: RegExp) => (err: unknown) =>
  err instanceof BlockError && err.code === code && pattern.test(err.message);

void describe("Block: save and load", () => {
  void it("save returns the document id; LocalFileSystem.load and Block.load give the block back", async () => {
    await inEngine(async () => {
      const basepath = join(t.home, "saved");
      const id = await new LocalFileSystem({ basepath, fsync: true }).save("results");
      assert.match(id, /^[0-9a-f-]{36}$/);

      const typed = await LocalFileSystem.load("results");
      assert.ok(typed instanceof LocalFileSystem);
      assert.equal(typed.basepath, basepath);
      assert.equal(typed.fsync, true);
      assert.equal(typed.blockDocumentId, id);
      assert.equal(typed.blockSlug, "local-file-system/results");

      const anyBlock = await Block.load("local-file-system/results");
      assert.ok(anyBlock instanceof LocalFileSystem);
      assert.equal(anyBlock.blockDocumentId, id);
      // A subclass also takes its own slug.
      assert.equal((await LocalFileSystem.load("local-file-system/results")).basepath, basepath);
    });
  });

  void it("refuses a taken name unless overwrite: true, and keeps the id when overwriting", async () => {
    await inEngine(async () => {
      const first = await new LocalFileSystem({ basepath: join(t.home, "a") }).save("taken");
      await assert.rejects(
        new LocalFileSystem({ basepath: join(t.home, "b") }).save("taken"),
        isBlockError(BlockErrorCode.AlreadyExists, /already saved as local-file-system\/taken\. Pass overwrite: true/),
      );
      assert.equal((await LocalFileSystem.load("taken")).basepath, join(t.home, "a"));
      const second = await new LocalFileSystem({ basepath: join(t.home, "b") }).save("taken", { overwrite: true });
      assert.equal(second, first);
      assert.equal((await LocalFileSystem.load("taken")).basepath, join(t.home, "b"));
    });
  });

  void it("a missing block names its type and name, and lists the saved names of that type", async () => {
    await inEngine(async () => {
      await new LocalFileSystem({ basepath: join(t.home, "m") }).save("present");
      await assert.rejects(
        LocalFileSystem.load("absent"),
        isBlockError(BlockErrorCode.NotFound, /No block is saved as local-file-system\/absent \(block type "local-file-system", name "absent"\)\. Saved local-file-system blocks: .*"present"/),
      );
      await assert.rejects(Block.load("test-greeting/nobody"), isBlockError(BlockErrorCode.NotFound, /No test-greeting blocks are saved\./));
    });
  });

  void it("deletes blocks by slug or by name", async () => {
    await inEngine(async () => {
      await new LocalFileSystem({ basepath: join(t.home, "d") }).save("doomed");
      assert.equal(await LocalFileSystem.delete("doomed"), true);
      assert.equal(await Block.delete("local-file-system/doomed"), false);
      await assert.rejects(LocalFileSystem.load("doomed"), isBlockError(BlockErrorCode.NotFound, /doomed/));
    });
  });

  void it("validates names and slugs with clear errors", async () => {
    await inEngine(async () => {
      const block = new LocalFileSystem({ basepath: join(t.home, "n") });
      for (const bad of ["Prod", "my block", "-x", "x-", "a/b", "", "x".repeat(101)]) {
        await assert.rejects(block.save(bad), isBlockError(BlockErrorCode.InvalidName, /Invalid block name/), bad);
      }
      await assert.rejects(block.save("My Results"), /lowercase letters, digits and dashes.*e\.g\. "my-results"/);
      await assert.rejects(block.save("anonymous-1"), /kept for blocks Cairn saves anonymously/);
      await assert.rejects(Block.load("results"), isBlockError(BlockErrorCode.InvalidName, /needs a slug "<block-type>\/<name>"/));
      await assert.rejects(LocalFileSystem.load("s3/prod"), /names a s3 block, not a local-file-system block/);
      assert.throws(() => parseBlockSlug("S3/prod"), /Invalid block slug "S3\/prod"/);
      assert.deepEqual(parseBlockSlug("azure-blob-storage/x-1"), { blockTypeSlug: "azure-blob-storage", name: "x-1" });
    });
  });

  void it("blocks that are not storage can be saved and loaded too", async () => {
    await inEngine(async () => {
      await new Greeting({ text: "hello" }).save("hi");
      const loaded = await Greeting.load("hi");
      assert.equal(loaded.text, "hello");
    });
  });

  void it("a client can be given instead of the engine in scope", async () => {
    const client = await t.engine.client();
    await new LocalFileSystem({ basepath: join(t.home, "c") }).save("explicit", { client });
    assert.equal((await LocalFileSystem.load("explicit", { client })).basepath, join(t.home, "c"));
  });
});

void describe("Block: the type registry", () => {
  void it("knows the built-in types by slug", () => {
    assert.equal(findBlockType("local-file-system"), LocalFileSystem);
    assert.equal(requireBlockType("local-file-system"), LocalFileSystem);
    assert.deepEqual(Object.keys(BUILTIN_BLOCK_TYPES).sort(), ["azure-blob-storage", "local-file-system", "s3"]);
    assert.ok(blockTypes().some((type) => type.blockTypeSlug === "test-token-folder"));
  });

  void it("refuses unknown types with the list of known ones, and a second class under a taken slug", async () => {
    assert.throws(() => requireBlockType("ftp"), isBlockError(BlockErrorCode.UnknownType, /Unknown block type "ftp"\. Registered block types: .*local-file-system/));
    class Impostor extends Greeting {}
    assert.throws(() => registerBlockType(Impostor), /Greeting is already registered under that slug/);
    registerBlockType(Greeting); // the same class again is fine
    await inEngine(() => assert.rejects(Block.load("ftp/x"), /Unknown block type "ftp"/));
  });

  void it("a saved custom block type registers itself, so it loads back in the same process", async () => {
    class Note extends Block {
      static readonly blockTypeSlug = "test-note";
      readonly blockTypeSlug: string = "test-note";
      constructor(readonly options: { body: string }) {
        super();
      }
      toConfig(): Record<string, unknown> {
        return { body: this.options.body };
      }
    }
    assert.equal(findBlockType("test-note"), undefined);
    await inEngine(async () => {
      await new Note({ body: "remember" }).save("memo");
      assert.equal((await Note.load("memo")).options.body, "remember");
    });
  });
});

void describe("Block: field validation", () => {
  void it("validates fields with the type's zod schema at construction, naming the block and the field", () => {
    assert.throws(
      () => new LocalFileSystem({ basepath: join(t.home, "v"), fsync: "yes" as unknown as boolean }),
      (err: unknown) =>
        err instanceof BlockFieldsError && isCairnError(err, "CONFIGURATION_ERROR") &&
        err.message === 'Invalid local-file-system block: fsync must be true or false, got "yes".',
    );
    assert.throws(
      () => new TokenFolder({ basepath: "/x", token: "short" }),
      (err: unknown) => err instanceof BlockFieldsError && /token must be at least 8 characters/.test(err.message) && !err.message.includes("short"),
    );
  });

  void it("a saved document with bad fields fails to load with an error naming the block and the field", async () => {
    const client = await t.engine.client();
    await client.saveBlockDocument({ blockTypeSlug: "local-file-system", name: "broken", data: { basepath: 42 }, secretFields: [] });
    await inEngine(() =>
      assert.rejects(
        LocalFileSystem.load("broken"),
        isBlockError(BlockErrorCode.InvalidDocument, /^The saved block local-file-system\/broken does not hold a valid LocalFileSystem configuration: basepath must be a directory path \(a string\), got 42\. Save it again/),
      ),
    );
  });
});

void describe("Block: never shows secrets", () => {
  void it("toString, JSON and inspect mask secret fields; the secret stays usable", async () => {
    const secret = "tok-7a1c0e55d2";
    const block = new TokenFolder({ basepath: join(t.home, "s"), token: secret });
    for (const text of [String(block), `${block}`, JSON.stringify(block), inspect(block), inspect({ nested: [block] })]) {
      assert.ok(!text.includes(secret), text);
    }
    assert.match(JSON.stringify(block), /"token":"\*\*\*\*\*\*\*\*"/);
    assert.match(inspect(block), /^TokenFolder \{ basepath: .*token: '\*\*\*\*\*\*\*\*'/);
    assert.equal(String(block), `TokenFolder(test-token-folder at ${join(t.home, "s")})`);
    await inEngine(async () => {
      await block.save("guarded");
      const loaded = await TokenFolder.load("guarded");
      assert.equal(loaded.tokenValue(), secret);
    });
  });
});
