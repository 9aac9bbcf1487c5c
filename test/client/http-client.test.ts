// The OrchestrationClient contracts (runs, states, logs, orphans; block documents) for the
// HTTP client against a Cairn server on SQLite and on PostgreSQL, and for the in-process
// service client on PostgreSQL (CAIRN_API_DATABASE_URL=postgresql://... without a server).
import { fileURLToPath } from "node:url";
import { HttpClient } from "../../src/client/http/http-client.js";
import { ServiceClient } from "../../src/client/service/service-client.js";
import { SecretKeySource } from "../../src/blocks/secrets/secret-key-source.js";
import { openMetadataService } from "../../src/database/service/open-metadata-service.js";
import { createTestDatabase, dropTestDatabase } from "../../src/testing/backends/postgres-test-database.js";
import { disposeTestStore, testPostgresUrl, testStoreUrl } from "../../src/testing/index.js";
import { runBlockDocumentContract } from "../blocks/block-documents.contract.js";
import { runOrchestrationClientContract, type ContractBackend } from "./orchestration-client.contract.js";

const OPENER = fileURLToPath(new URL("../server/fixtures/open-http.ts", import.meta.url));

function httpBackend(backend: "http-sqlite" | "http-postgres") {
  return async (): Promise<ContractBackend> => {
    const url = testStoreUrl(backend);
    return {
      open: async () => new HttpClient({ url }),
      child: { opener: OPENER, config: url },
      dispose: () => disposeTestStore(url),
    };
  };
}

runOrchestrationClientContract("HTTP → server on SQLite", httpBackend("http-sqlite"));
runOrchestrationClientContract("HTTP → server on PostgreSQL", httpBackend("http-postgres"));
runBlockDocumentContract("HTTP → server on SQLite", httpBackend("http-sqlite"));
runBlockDocumentContract("HTTP → server on PostgreSQL", httpBackend("http-postgres"));

runBlockDocumentContract("service client in-process on PostgreSQL", async () => {
  const admin = testPostgresUrl();
  const databaseUrl = await createTestDatabase(admin);
  const secretKey = new SecretKeySource({ file: "", value: Buffer.alloc(32, 7).toString("base64") });
  return {
    open: async () => new ServiceClient({ api: await openMetadataService({ databaseUrl, secretKey }), describe: "PostgreSQL" }),
    dispose: () => dropTestDatabase(admin, databaseUrl),
  };
});
