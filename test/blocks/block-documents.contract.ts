/**
 * The block-document part of the {@link OrchestrationClient} contract, as a reusable
 * suite: the embedded client runs it (`block-documents.test.ts`); the HTTP client will
 * run it against a server.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { OrchestrationClient } from "../../src/client/orchestration-client.js";
import type { BlockDocumentInput } from "../../src/records/index.js";
import { isCairnError } from "../../src/errors/cairn-error.js";

/** A fresh, empty store per test; `open` may be called several times (clients coexist). */
export interface BlockStoreBackend {
  open(): Promise<OrchestrationClient>;
  dispose(): Promise<void>;
}

const s3 = (name: string, secret = "wJalrXUtnFEMI/K7MDENG"): BlockDocumentInput => ({
  blockTypeSlug: "s3",
  name,
  data: { bucketPath: `bucket/${name}`, awsAccessKeyId: "AKIAEXAMPLE", awsSecretAccessKey: secret, uploadPartSize: 8388608 },
  secretFields: ["awsSecretAccessKey", "awsSessionToken"],
});

/**
 * Registers the contract tests of the block methods of one client implementation.
 *
 * @example
 * ```ts
 * runBlockDocumentContract("embedded", async () => ({ open: () => openEmbeddedClient({ path }), dispose }));
 * ```
 */
export function runBlockDocumentContract(name: string, makeBackend: () => Promise<BlockStoreBackend>): void {
  async function withClient(fn: (client: OrchestrationClient, backend: BlockStoreBackend) => Promise<void>): Promise<void> {
    const backend = await makeBackend();
    const client = await backend.open();
    try {
      await fn(client, backend);
    } finally {
      await client.close();
      await backend.dispose();
    }
  }

  describe(`OrchestrationClient block documents: ${name}`, () => {
    test("save, then read by slug and by id, with secrets masked unless asked for", async () => {
      await withClient(async (client) => {
        const saved = await client.saveBlockDocument(s3("prod"));
        assert.equal(saved.blockTypeSlug, "s3");
        assert.equal(saved.name, "prod");
        assert.equal(saved.isAnonymous, false);
        assert.deepEqual(saved.secretFields, ["awsSecretAccessKey"], "only the secret fields that have a value");
        assert.equal(saved.data.awsSecretAccessKey, "********");
        assert.equal(saved.created, saved.updated);

        const masked = await client.readBlockDocument("s3", "prod");
        assert.deepEqual(masked, saved);
        const clear = await client.readBlockDocumentById(saved.id, { includeSecrets: true });
        assert.deepEqual(clear?.data, s3("prod").data);
        assert.equal(await client.readBlockDocument("s3", "dev"), undefined);
        assert.equal(await client.readBlockDocumentById("no-such-id"), undefined);
      });
    });

    test("a taken name is refused without overwrite; overwrite keeps the id and the creation time", async () => {
      await withClient(async (client) => {
        const first = await client.saveBlockDocument(s3("prod"));
        await assert.rejects(
          client.saveBlockDocument(s3("prod", "other-secret")),
          (err: unknown) => isCairnError(err, "BLOCK_ALREADY_EXISTS") && /Pass overwrite: true/.test(err.message) && !err.message.includes("other-secret"),
        );
        await new Promise((resolve) => setTimeout(resolve, 5));
        const second = await client.saveBlockDocument(s3("prod", "other-secret"), { overwrite: true });
        assert.equal(second.id, first.id);
        assert.equal(second.created, first.created);
        assert.ok(second.updated > first.updated);
        assert.equal((await client.readBlockDocument("s3", "prod", { includeSecrets: true }))?.data.awsSecretAccessKey, "other-secret");
      });
    });

    test("listings are ordered by type and name, filter by type, and leave anonymous documents out unless asked", async () => {
      await withClient(async (client) => {
        for (const n of ["b", "a"]) await client.saveBlockDocument(s3(n));
        await client.saveBlockDocument({ blockTypeSlug: "local-file-system", name: "z", data: { basepath: "/r" }, secretFields: [] });
        const anonymous = await client.saveAnonymousBlockDocument({ ...s3("ignored"), name: "" });
        const slugs = (await client.readBlockDocuments()).map((d) => `${d.blockTypeSlug}/${d.name}`);
        assert.deepEqual(slugs, ["local-file-system/z", "s3/a", "s3/b"]);
        assert.deepEqual((await client.readBlockDocuments({ blockTypeSlug: "s3" })).map((d) => d.name), ["a", "b"]);
        const all = await client.readBlockDocuments({ includeAnonymous: true });
        assert.equal(all.length, 4);
        assert.ok(all.some((d) => d.id === anonymous.id && d.isAnonymous));
        assert.ok(all.every((d) => d.data.awsSecretAccessKey === undefined || d.data.awsSecretAccessKey === "********"));
      });
    });

    test("anonymous saves: once per configuration (secrets included), named anonymous-<id>", async () => {
      await withClient(async (client, backend) => {
        const a = await client.saveAnonymousBlockDocument(s3("x"));
        const again = await client.saveAnonymousBlockDocument({ ...s3("y"), data: { ...s3("x").data } });
        assert.equal(again.id, a.id, "the name given is ignored; equal fields are the same configuration");
        assert.equal(a.name, `anonymous-${a.id}`);
        assert.notEqual((await client.saveAnonymousBlockDocument(s3("x", "another-secret"))).id, a.id);
        assert.notEqual((await client.saveAnonymousBlockDocument({ ...s3("x"), blockTypeSlug: "s3-like" })).id, a.id);

        // Concurrent saves from two clients of the same store agree on one document.
        const other = await backend.open();
        try {
          const input = { ...s3("race", "race-secret") };
          const ids = await Promise.all([
            ...Array.from({ length: 4 }, () => client.saveAnonymousBlockDocument(input)),
            ...Array.from({ length: 4 }, () => other.saveAnonymousBlockDocument(input)),
          ]);
          assert.equal(new Set(ids.map((d) => d.id)).size, 1);
        } finally {
          await other.close();
        }
      });
    });

    test("delete answers whether there was a document", async () => {
      await withClient(async (client) => {
        await client.saveBlockDocument(s3("gone"));
        assert.equal(await client.deleteBlockDocument("s3", "gone"), true);
        assert.equal(await client.deleteBlockDocument("s3", "gone"), false);
        assert.equal(await client.readBlockDocument("s3", "gone"), undefined);
      });
    });

    test("bad names, types and fields are refused", async () => {
      await withClient(async (client) => {
        await assert.rejects(client.saveBlockDocument({ ...s3("x"), name: "Prod" }), (err: unknown) => isCairnError(err, "BLOCK_INVALID_NAME"));
        await assert.rejects(client.saveBlockDocument({ ...s3("x"), blockTypeSlug: "S3" }), (err: unknown) => isCairnError(err, "BLOCK_INVALID_NAME"));
        await assert.rejects(
          client.saveBlockDocument({ ...s3("x"), data: { when: new Date() } }),
          /The field when of block s3\/x cannot be saved: object is not JSON/,
        );
        await assert.rejects(
          client.saveBlockDocument({ ...s3("x"), data: { awsSecretAccessKey: new Date() } }),
          (err: unknown) => err instanceof Error && /a secret value is not JSON/.test(err.message),
        );
      });
    });
  });
}
