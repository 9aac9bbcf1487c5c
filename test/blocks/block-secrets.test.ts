import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { rotateSecretKey } from "../../src/blocks/secrets/rotate-secret-key.js";
import { SecretKey } from "../../src/blocks/secrets/secret-key.js";
import { SecretKeySource } from "../../src/blocks/secrets/secret-key-source.js";
import type { EmbeddedClient } from "../../src/client/embedded/embedded-client.js";
import { Engine } from "../../src/engine/engine.js";
import { flow } from "../../src/engine/flow.js";
import { isCairnError } from "../../src/errors/cairn-error.js";
import { loadSettings } from "../../src/settings/index.js";
import { createTestEngine, type TestEngine } from "../../src/testing/index.js";
import { TokenFolder } from "./block-fixtures.js";

const SECRET = "sk-live-5f1e9c7a2b8d4e60";

let t: TestEngine;
before(() => {
  t = createTestEngine();
});
after(async () => {
  await t.cleanup();
});

/** An engine on the same CAIRN_HOME as `t` (as another process would be), with env overrides. */
function sibling(env: Record<string, string | undefined> = {}): Engine {
  const full: Record<string, string | undefined> = { ...t.env, ...env };
  for (const key of Object.keys(full)) if (full[key] === undefined) delete full[key];
  return new Engine({ settings: loadSettings({ env: full, cwd: t.home }) });
}

async function withSibling<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const engine = sibling(env);
  try {
    return await engine.run(fn);
  } finally {
    await engine.close();
  }
}

/** The bytes of every file of the metadata store (database, WAL, shared memory). */
function databaseBytes(home: string): Buffer {
  return Buffer.concat(readdirSync(home).filter((f) => f.startsWith("cairn.db")).map((f) => readFileSync(join(home, f))));
}

const keyChanged = (pattern: RegExp) => (err: unknown) =>
  isCairnError(err, "SECRET_KEY_CHANGED") && /the secret key changed/.test(err.message) && pattern.test(err.message) && !err.message.includes(SECRET);

void describe("block secrets: encrypted at rest", () => {
  void it("the database never holds a secret in clear; the key file is created with mode 0600", async () => {
    await t.engine.run(async () => {
      await new TokenFolder({ basepath: join(t.home, "vault"), token: SECRET, label: "visible-label" }).save("vault");
      await new TokenFolder({ basepath: join(t.home, "vault"), token: SECRET }).save("vault-2");
    });
    await t.engine.flush();
    const bytes = databaseBytes(t.home);
    assert.ok(bytes.includes("visible-label"), "non-secret fields are stored as they are");
    assert.ok(!bytes.includes(SECRET), "the secret must not be in the database files");
    assert.ok(!bytes.includes(Buffer.from(SECRET).toString("base64")), "nor in base64");

    const keyFile = join(t.home, "secret.key");
    assert.match(readFileSync(keyFile, "utf8"), /^[A-Za-z0-9+/]{43}=\n$/);
    if (process.platform !== "win32") assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.ok(!bytes.includes(readFileSync(keyFile, "utf8").trim()), "the key is not in the database");
  });

  void it("reads mask secrets unless they are asked for", async () => {
    const client = await t.engine.client();
    const masked = await client.readBlockDocument("test-token-folder", "vault");
    assert.deepEqual(masked?.data, { basepath: join(t.home, "vault"), token: "********", label: "visible-label" });
    assert.deepEqual(masked?.secretFields, ["token"]);
    const listed = await client.readBlockDocuments({ blockTypeSlug: "test-token-folder" });
    assert.deepEqual(listed.map((d) => d.data.token), ["********", "********"]);
    const clear = await client.readBlockDocument("test-token-folder", "vault", { includeSecrets: true });
    assert.equal(clear?.data.token, SECRET);
  });

  void it("a block read without its secrets cannot be saved back with the mask as its secret", async () => {
    const client = await t.engine.client();
    await assert.rejects(
      client.saveBlockDocument({ blockTypeSlug: "test-token-folder", name: "masked", data: { basepath: "/x", token: "********" }, secretFields: ["token"] }),
      /holds the mask "\*\*\*\*\*\*\*\*", not a secret/,
    );
  });

  void it("loading with another key fails with an error saying the secret key changed", async () => {
    const otherKey = SecretKey.generate();
    await withSibling({ CAIRN_SECRET_KEY: otherKey.toBase64() }, () =>
      assert.rejects(TokenFolder.load("vault"), keyChanged(new RegExp(`CAIRN_SECRET_KEY setting holds another key \\(fingerprint ${otherKey.fingerprint}\\)`))),
    );
    // Listings (secrets masked) still work without the key.
    const other = sibling({ CAIRN_SECRET_KEY: otherKey.toBase64() });
    try {
      assert.equal((await (await other.client()).readBlockDocuments({ blockTypeSlug: "test-token-folder" })).length, 2);
    } finally {
      await other.close();
    }
  });

  void it("loading after the key file was lost fails the same way, and does not create a new key", async () => {
    const keyFile = join(t.home, "secret.key");
    const saved = readFileSync(keyFile);
    rmSync(keyFile);
    try {
      await withSibling({}, () => assert.rejects(TokenFolder.load("vault"), keyChanged(/secret\.key does not exist/)));
      assert.equal(existsSync(keyFile), false);
    } finally {
      writeFileSync(keyFile, saved, { mode: 0o600 });
    }
    await withSibling({}, async () => assert.equal((await TokenFolder.load("vault")).tokenValue(), SECRET));
  });

  void it("tampered secrets fail their integrity check", async () => {
    const sqlitePath = join(t.home, "cairn.db");
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(sqlitePath);
    try {
      const row = db.prepare("select secrets from block_document where name = 'vault-2'").get() as { secrets: string };
      const envelope = JSON.parse(row.secrets) as { data: string };
      const data = Buffer.from(envelope.data, "base64");
      data[0] = (data[0] ?? 0) ^ 1;
      envelope.data = data.toString("base64");
      db.prepare("update block_document set secrets = ? where name = 'vault-2'").run(JSON.stringify(envelope));
    } finally {
      db.close();
    }
    await t.engine.run(() =>
      assert.rejects(TokenFolder.load("vault-2"), (err: unknown) => isCairnError(err, "SECRETS_CORRUPTED") && /integrity check/.test(err.message)),
    );
  });
});

void describe("block secrets: CAIRN_SECRET_KEY", () => {
  void it("overrides the key file: no file is created, and the same key reads the secrets back", async () => {
    const home = createTestEngine({ CAIRN_SECRET_KEY: SecretKey.generate().toBase64() });
    try {
      await home.engine.run(() => new TokenFolder({ basepath: join(home.home, "v"), token: SECRET }).save("env-key"));
      assert.equal(existsSync(join(home.home, "secret.key")), false);
      assert.equal((await home.engine.run(() => TokenFolder.load("env-key"))).tokenValue(), SECRET);
    } finally {
      await home.cleanup();
    }
  });

  void it("a malformed key is refused when settings load, without quoting it", () => {
    assert.throws(
      () => loadSettings({ env: { CAIRN_HOME: t.home, CAIRN_SECRET_KEY: "not-a-key" }, cwd: t.home }),
      (err: unknown) => isCairnError(err, "CONFIGURATION_ERROR") && /CAIRN_SECRET_KEY must be 32 bytes in base64/.test(err.message),
    );
  });

  void it("the key never shows itself", () => {
    const key = SecretKey.generate();
    for (const text of [String(key), JSON.stringify(key), inspect(key)]) assert.ok(!text.includes(key.toBase64()), text);
    assert.equal(String(key), `SecretKey(${key.fingerprint})`);
  });
});

void describe("block secrets: key rotation", () => {
  void it("re-encrypts every block, installs the new key and keeps the old one as secret.key.old", async () => {
    const r = createTestEngine();
    try {
      const storage = new TokenFolder({ basepath: join(r.home, "rot"), token: SECRET });
      await r.engine.run(async () => {
        await storage.save("one");
        await new TokenFolder({ basepath: join(r.home, "rot2"), token: `${SECRET}-2` }).save("two");
        // An anonymous document with a secret (keyed configuration hash).
        await flow({ persistResult: true, resultStorage: new TokenFolder({ basepath: join(r.home, "anon"), token: SECRET }) }, () => 1)();
      });
      const client = (await r.engine.client()) as EmbeddedClient;
      const anonymousBefore = (await client.readBlockDocuments({ includeAnonymous: true })).filter((d) => d.isAnonymous);
      assert.equal(anonymousBefore.length, 1);

      const source = SecretKeySource.fromSettings(r.engine.settings);
      const oldKey = source.current();
      assert.ok(oldKey !== undefined);
      const result = await rotateSecretKey({ source, reencrypt: (from, to) => client.reencryptBlockSecrets(from, to) });
      assert.equal(result.documents, 3);
      assert.equal(result.oldFingerprint, oldKey.fingerprint);
      assert.notEqual(result.newFingerprint, oldKey.fingerprint);
      assert.equal(SecretKey.fromBase64(readFileSync(join(r.home, "secret.key.old"), "utf8"), "old").fingerprint, oldKey.fingerprint);
      assert.equal(existsSync(join(r.home, "secret.key.new")), false);

      // A new process reads the secrets with the new key, and still finds the anonymous document.
      const next = new Engine({ settings: loadSettings({ env: r.env, cwd: r.home }) });
      try {
        await next.run(async () => {
          assert.equal((await TokenFolder.load("one")).tokenValue(), SECRET);
          assert.equal((await TokenFolder.load("two")).tokenValue(), `${SECRET}-2`);
          await flow({ persistResult: true, resultStorage: new TokenFolder({ basepath: join(r.home, "anon"), token: SECRET }) }, () => 2)();
        });
        const anonymousAfter = (await (await next.client()).readBlockDocuments({ includeAnonymous: true })).filter((d) => d.isAnonymous);
        assert.deepEqual(anonymousAfter.map((d) => d.id), anonymousBefore.map((d) => d.id));
      } finally {
        await next.close();
      }
      // The old key no longer opens them.
      const stale = new Engine({ settings: loadSettings({ env: { ...r.env, CAIRN_SECRET_KEY: oldKey.toBase64() }, cwd: r.home }) });
      try {
        await stale.run(() => assert.rejects(TokenFolder.load("one"), keyChanged(/fingerprint/)));
      } finally {
        await stale.close();
      }
    } finally {
      await r.cleanup();
    }
  });

  void it("a failed re-encryption changes nothing", async () => {
    const r = createTestEngine();
    try {
      await r.engine.run(() => new TokenFolder({ basepath: join(r.home, "x"), token: SECRET }).save("keep"));
      const source = SecretKeySource.fromSettings(r.engine.settings);
      const before = readFileSync(join(r.home, "secret.key"), "utf8");
      await assert.rejects(
        rotateSecretKey({ source, reencrypt: () => Promise.reject(new Error("disk full")) }),
        /disk full/,
      );
      assert.equal(readFileSync(join(r.home, "secret.key"), "utf8"), before);
      assert.equal(existsSync(join(r.home, "secret.key.new")), false);
      assert.equal((await r.engine.run(() => TokenFolder.load("keep"))).tokenValue(), SECRET);
    } finally {
      await r.cleanup();
    }
  });
});
