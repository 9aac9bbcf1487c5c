import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isStorageError, StorageErrorCode } from "../../src/blocks/storage-error.js";
import { MAX_STORAGE_KEY_BYTES, parseStorageKey } from "../../src/blocks/storage-key.js";

void describe("parseStorageKey", () => {
  void it("splits valid keys into segments", () => {
    assert.deepEqual(parseStorageKey("a/b/c.json", "s", "read"), ["a", "b", "c.json"]);
    assert.deepEqual(parseStorageKey("3f9c0a", "s", "read"), ["3f9c0a"]);
    assert.deepEqual(parseStorageKey("数据/🎉", "s", "read"), ["数据", "🎉"]);
    assert.deepEqual(parseStorageKey(".hidden/..x/x..", "s", "read"), [".hidden", "..x", "x.."]);
    assert.deepEqual(parseStorageKey("é".repeat(MAX_STORAGE_KEY_BYTES / 2), "s", "read").length, 1);
  });

  void it("refuses invalid keys with the reason, the key and the storage", () => {
    const cases: [unknown, RegExp][] = [
      ["", /empty/],
      ["a\0b", /NUL/],
      ["/x", /absolute/],
      ["C:/x", /Windows/],
      ["a\\b", /backslash/],
      ["../x", /'\.\.'/],
      ["a/./b", /'\.'/],
      ["a//b", /empty segment/],
      ["a/", /empty segment/],
      ["\udc00", /surrogate/],
      ["é".repeat(MAX_STORAGE_KEY_BYTES / 2 + 1), /longer than/],
      [42, /must be a string/],
    ];
    for (const [key, reason] of cases) {
      assert.throws(() => parseStorageKey(key, "my-storage at /base", "write"), (err: unknown) => {
        assert.ok(isStorageError(err, StorageErrorCode.InvalidKey));
        assert.match(err.message, reason);
        assert.match(err.message, /my-storage at \/base/);
        assert.equal(err.operation, "write");
        return true;
      }, String(key));
    }
  });
});
