// includeSecrets is validated the same way on every block route: the listing and the
// by-name and by-id reads. A bad value is a 400 naming the parameter and what it accepts;
// the listing never reveals secrets, so `true` there is refused with a 400 that says how
// to read them, never silently ignored.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createServerApp } from "../../src/server/create-server-app.js";
import { body, tempService } from "./helpers.js";

let store: Awaited<ReturnType<typeof tempService>>;
let id: string;
before(async () => {
  store = await tempService();
  const saved = await store.service.blocks.save({
    blockTypeSlug: "s3",
    name: "flagged",
    data: { bucketPath: "b", awsSecretAccessKey: "hunter2" },
    secretFields: ["awsSecretAccessKey"],
  });
  id = saved.id;
});
after(async () => {
  await store.dispose();
});

const key = "include-secrets-key-1";
const auth = { authorization: `Bearer ${key}` };
const app = () => createServerApp({ service: store.service, apiKey: key, log: () => undefined });

describe("includeSecrets on the block routes", () => {
  const routes = () => ({
    list: "/api/block-documents",
    "by name": "/api/block-types/s3/block-documents/flagged",
    "by id": `/api/block-documents/${id}`,
  });

  for (const bad of ["yes", "TRUE", "", "2", "true,false"]) {
    test(`includeSecrets=${JSON.stringify(bad)} is a 400 naming the parameter and its values, on every route`, async () => {
      for (const [name, path] of Object.entries(routes())) {
        const res = await app().request(`${path}?includeSecrets=${encodeURIComponent(bad)}`, { headers: auth });
        assert.equal(res.status, 400, `${name}: ${path}`);
        const { error } = await body(res);
        assert.equal(error.code, "INVALID_REQUEST", name);
        assert.match(error.message, /query\.includeSecrets: includeSecrets must be true or false \(or 1 or 0\)/, name);
        assert.deepEqual(
          error.context.issues.map((i: { path: string }) => i.path),
          ["query.includeSecrets"],
          name,
        );
      }
    });
  }

  test("false and 0 are accepted everywhere and mask the secrets", async () => {
    for (const value of ["false", "0"]) {
      for (const [name, path] of Object.entries(routes())) {
        const res = await app().request(`${path}?includeSecrets=${value}`, { headers: auth });
        assert.equal(res.status, 200, `${name} ${value}`);
        const doc = name === "list" ? (await body(res)).items.find((d: { id: string }) => d.id === id) : await body(res);
        assert.equal(doc.data.awsSecretAccessKey, "********", name);
      }
    }
  });

  test("true reveals the secret on the reads, and the listing refuses it with a 400 that says how to read them", async () => {
    for (const name of ["by name", "by id"] as const) {
      const res = await app().request(`${routes()[name]}?includeSecrets=true`, { headers: auth });
      assert.equal(res.status, 200, name);
      assert.equal((await body(res)).data.awsSecretAccessKey, "hunter2", name);
    }
    for (const value of ["true", "1"]) {
      const res = await app().request(`/api/block-documents?includeSecrets=${value}`, { headers: auth });
      assert.equal(res.status, 400);
      const { error } = await body(res);
      assert.equal(error.code, "SECRETS_NOT_LISTED");
      assert.match(error.message, /Block listings never include secrets/);
      assert.match(error.message, /GET \/api\/block-types\/\{slug\}\/block-documents\/\{name\}\?includeSecrets=true/);
      assert.doesNotMatch(JSON.stringify(error), /hunter2/);
    }
  });

  test("includeAnonymous is validated the same way", async () => {
    const res = await app().request("/api/block-documents?includeAnonymous=yes", { headers: auth });
    assert.equal(res.status, 400);
    assert.match((await body(res)).error.message, /query\.includeAnonymous: includeAnonymous must be true or false \(or 1 or 0\)/);
  });

  test("the OpenAPI document declares includeSecrets on all three routes", async () => {
    const doc = await body(await app().request("/api/openapi.json", { headers: auth }));
    for (const path of ["/block-documents", "/block-types/{slug}/block-documents/{name}", "/block-documents/{id}"]) {
      const params = (doc.paths[path].get.parameters as { name: string }[]).map((p) => p.name);
      assert.ok(params.includes("includeSecrets"), `${path}: ${params.join(", ")}`);
    }
  });
});
