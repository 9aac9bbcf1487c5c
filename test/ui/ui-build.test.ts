// The UI is just another client: its API types are generated from the OpenAPI document (and
// must be current), and nothing in it or in its build points outside the server.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { API_TYPES_FILE, currentOpenApiDocument, generateApiTypes } from "../../scripts/ui-api-types.js";
import { ensureBuiltUi } from "./support/built-ui.js";

const ROOT = join(import.meta.dirname, "..", "..");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

describe("the UI's build", () => {
  test("ui/src/api/api-types.ts is what the OpenAPI document generates (run `npm run ui:api-types` if not)", async () => {
    const expected = generateApiTypes(await currentOpenApiDocument());
    assert.equal(readFileSync(join(ROOT, API_TYPES_FILE), "utf8"), expected, "ui/src/api/api-types.ts is stale: run `npm run ui:api-types`");
  });

  test("every API call of the UI goes through the typed client, to GET routes of the document", () => {
    const sources = files(join(ROOT, "ui", "src")).filter((f) => /\.tsx?$/.test(f));
    for (const file of sources) {
      const text = readFileSync(file, "utf8");
      if (file.endsWith("api-client.ts")) continue;
      assert.doesNotMatch(text, /\bfetch\(|XMLHttpRequest|EventSource/, `${file} calls the network outside api-client.ts`);
    }
    const client = readFileSync(join(ROOT, "ui", "src", "api", "api-client.ts"), "utf8");
    assert.doesNotMatch(client, /method:\s*"(POST|PUT|DELETE|PATCH)"/i, "the UI never writes");
    const handWritten = sources.filter((f) => !f.endsWith("api-types.ts")).map((f) => readFileSync(f, "utf8"));
    assert.doesNotMatch(handWritten.join("\n"), /includeSecrets/, "the UI never asks for secrets");
  });

  test("nothing in the sources or the built files loads from outside the machine (no CDN, no web fonts)", () => {
    ensureBuiltUi();
    const built = files(join(ROOT, "dist", "ui"));
    assert.ok(built.some((f) => f.endsWith(".js")) && built.some((f) => f.endsWith(".css")));
    for (const file of [...built, ...files(join(ROOT, "ui", "src")), join(ROOT, "ui", "index.html")]) {
      if (file.endsWith("api-types.ts")) continue;
      const text = readFileSync(file, "utf8");
      // XML namespace names (http://www.w3.org/...) in Preact's DOM code are identifiers, never fetched.
      const urls = [...text.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi)].map((m) => m[0]).filter((u) => !u.includes("www.w3.org/"));
      assert.deepEqual(urls, [], `${file} refers to another origin`);
      assert.doesNotMatch(text, /@import\s+url|@font-face/, `${file} loads fonts or styles from elsewhere`);
    }
  });
});
