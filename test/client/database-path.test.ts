import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { databasePathFromUrl } from "../../src/client/embedded/database-path.js";
import { ConfigurationError } from "../../src/errors/configuration-error.js";

describe("databasePathFromUrl", () => {
  test("reads sqlite URLs the SQLAlchemy way, and plain paths", () => {
    assert.equal(databasePathFromUrl("sqlite:////var/lib/cairn.db", "/work"), "/var/lib/cairn.db");
    assert.equal(databasePathFromUrl("sqlite:///cairn.db", "/work"), "/work/cairn.db");
    assert.equal(databasePathFromUrl("/abs/cairn.db", "/work"), "/abs/cairn.db");
    assert.equal(databasePathFromUrl("data/cairn.db", "/work"), "/work/data/cairn.db");
    assert.equal(databasePathFromUrl("sqlite:///:memory:", "/work"), ":memory:");
  });

  test("refuses PostgreSQL (the embedded store is SQLite), without echoing the password", () => {
    assert.throws(
      () => databasePathFromUrl("postgresql://cairn:hunter2@db:5432/cairn"),
      (err: unknown) => {
        assert.ok(err instanceof ConfigurationError);
        assert.match(err.message, /PostgreSQL URL .*the embedded store is a SQLite file/);
        assert.match(err.message, /cairn server/);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
    assert.throws(() => databasePathFromUrl("postgres://db/cairn"), ConfigurationError);
  });

  test("refuses other schemes", () => {
    assert.throws(() => databasePathFromUrl("mysql://db/cairn"), /unsupported scheme "mysql:\/\/"/);
  });
});
