import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toStorageError } from "../../src/blocks/local-file-system/fs-error.js";
import { StorageErrorCode } from "../../src/blocks/storage-error.js";

const site = {
  key: "flows/abc.json",
  storage: "local-file-system at /base",
  operation: "write" as const,
  location: "/base/flows/abc.json",
  basepath: "/base",
  size: 1234,
};

function osError(code: string): Error {
  return Object.assign(new Error(`${code}: something, open '/base/flows/abc.json'`), { code });
}

void describe("toStorageError", () => {
  const cases: [string, StorageErrorCode, RegExp][] = [
    ["ENOENT", StorageErrorCode.NotFound, /pruned/],
    ["EACCES", StorageErrorCode.PermissionDenied, /Permission denied.*can read and write under \/base/],
    ["EPERM", StorageErrorCode.PermissionDenied, /Permission denied/],
    ["EROFS", StorageErrorCode.PermissionDenied, /read-only/],
    ["ENOTDIR", StorageErrorCode.NotADirectory, /is a file, not a directory/],
    ["EISDIR", StorageErrorCode.IsADirectory, /\/base\/flows\/abc\.json is a directory/],
    ["ENOSPC", StorageErrorCode.Full, /No space left.*1234 bytes.*cairn results prune/],
    ["EDQUOT", StorageErrorCode.Full, /quota/],
    ["ENAMETOOLONG", StorageErrorCode.InvalidKey, /too long/],
    ["EMFILE", StorageErrorCode.Io, /too many open files/],
    ["EIO", StorageErrorCode.Io, /EIO: something/],
  ];
  for (const [osCode, code, message] of cases) {
    void it(`maps ${osCode} to ${code}`, () => {
      const cause = osError(osCode);
      const err = toStorageError(cause, site);
      assert.equal(err.code, code);
      assert.match(err.message, message);
      assert.ok(err.message.includes('"flows/abc.json"') && err.message.includes("local-file-system at /base"), err.message);
      assert.equal(err.cause, cause);
      assert.equal(err.key, site.key);
      assert.equal(err.context["osCode"], osCode);
    });
  }

  void it("reads ENOTDIR as a missing result", () => {
    assert.equal(toStorageError(osError("ENOTDIR"), { ...site, operation: "read" }).code, StorageErrorCode.NotFound);
  });
});
