/**
 * The Cairn server (`cairn/server`): the HTTP API over the metadata service layer, on SQLite
 * or PostgreSQL, and the HTTP client that talks to it. `cairn server start` is the
 * command-line way; these are for embedding and tests.
 *
 * @example
 * ```ts
 * import { startServer, HttpClient } from "cairn/server";
 * import { loadSettings } from "cairn";
 *
 * const server = await startServer({ settings: loadSettings(), port: 0 });
 * const client = new HttpClient({ url: server.apiUrl });
 * console.log(await client.readFlowRuns({ limit: 5 }));
 * await client.close();
 * await server.close();
 * ```
 * @packageDocumentation
 */
export { startServer, type RunningServer, type StartServerOptions } from "./start-server.js";
export { createServerApp, DEFAULT_MAX_BODY_BYTES, type ServerAppOptions } from "./create-server-app.js";
export { HttpClient, type HttpClientOptions } from "../client/http/http-client.js";
export { ApiRequestError } from "../client/http/api-request-error.js";
export { ServiceClient, type ServiceClientOptions } from "../client/service/service-client.js";
export { MetadataService } from "../database/service/metadata-service.js";
export { openMetadataService, type OpenMetadataServiceOptions } from "../database/service/open-metadata-service.js";
