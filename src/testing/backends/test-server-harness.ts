/**
 * The server process behind the `http-sqlite` and `http-postgres` test backends (started
 * by `test-server-process.ts`, one per test process and backend). It serves many
 * independent Cairn APIs, one per test store, at `/t/<store>/api`:
 *
 * - `<store>` is the base64url of `{"dir": "..."}` (SQLite at `<dir>/cairn.db`) or of
 *   `{"id": "..."}` (a fresh PostgreSQL database), opened on its first request;
 * - `DELETE /t/<store>` closes it (and drops its PostgreSQL database).
 *
 * It runs in its own process, so a test that blocks its event loop (`execFileSync`) never
 * blocks the server its child processes talk to. It exits when its stdin closes (the test
 * process ended), dropping what it created.
 *
 *   node [--import tsx] test-server-harness.ts <backend> <port-file> <postgres-admin-url>
 */
import { renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { getRequestListener, type HttpBindings, type Http2Bindings } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { SecretKeySource } from "../../blocks/secrets/secret-key-source.js";
import type { MetadataService } from "../../database/service/metadata-service.js";
import { openMetadataService } from "../../database/service/open-metadata-service.js";
import { createServerApp } from "../../server/create-server-app.js";
import { createTestDatabase, dropTestDatabase } from "./postgres-test-database.js";

const [backend = "http-sqlite", portFile = "", adminUrl = ""] = process.argv.slice(2);

interface Store {
  service: MetadataService;
  app: OpenAPIHono;
  databaseUrl: string;
}

const stores = new Map<string, Promise<Store>>();
const keyDir = mkdtempSync(join(tmpdir(), "cairn-harness-"));

async function openStore(key: string): Promise<Store> {
  const spec = JSON.parse(Buffer.from(key, "base64url").toString("utf8")) as { dir?: string; id?: string };
  let databaseUrl: string;
  let keyFile: string;
  if (backend === "http-postgres") {
    databaseUrl = await createTestDatabase(adminUrl);
    keyFile = join(keyDir, `${spec.id ?? "store"}.key`);
  } else {
    const dir = spec.dir ?? mkdtempSync(join(keyDir, "store-"));
    databaseUrl = `sqlite:///${join(dir, "cairn.db")}`;
    keyFile = join(dir, "secret.key");
  }
  const service = await openMetadataService({
    databaseUrl,
    secretKey: new SecretKeySource({ file: keyFile }),
    maxConnections: 4,
  });
  return { service, app: createServerApp({ service }), databaseUrl };
}

async function closeStore(key: string): Promise<void> {
  const store = stores.get(key);
  if (store === undefined) return;
  stores.delete(key);
  const { service, databaseUrl } = await store;
  await service.close();
  if (backend === "http-postgres") await dropTestDatabase(adminUrl, databaseUrl);
}

const server = createServer(
  getRequestListener(async (request: Request, env: HttpBindings | Http2Bindings) => {
    const url = new URL(request.url);
    const match = /^\/t\/([A-Za-z0-9_-]+)(\/.*)?$/.exec(url.pathname);
    if (match === null) return new Response("unknown test store", { status: 404 });
    const key = match[1] as string;
    const rest = match[2] ?? "/";
    if (request.method === "DELETE" && rest === "/") {
      await closeStore(key);
      return new Response(null, { status: 204 });
    }
    let store = stores.get(key);
    if (store === undefined) stores.set(key, (store = openStore(key)));
    const { app } = await store;
    const inner = new Request(new URL(rest + url.search, url.origin), {
      method: request.method,
      headers: request.headers,
      ...(request.body === null ? {} : { body: request.body, duplex: "half" }),
    } as RequestInit);
    return app.fetch(inner, env);
  }),
);

server.listen(0, "127.0.0.1", () => {
  const port = (server.address() as AddressInfo).port;
  writeFileSync(`${portFile}.tmp`, String(port));
  renameSync(`${portFile}.tmp`, portFile);
});

async function shutdown(): Promise<void> {
  server.close();
  server.closeAllConnections();
  await Promise.allSettled([...stores.keys()].map((key) => closeStore(key)));
  rmSync(keyDir, { recursive: true, force: true });
  process.exit(0);
}

process.stdin.on("data", () => undefined);
process.stdin.on("end", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
