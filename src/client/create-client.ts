import { SecretKeySource } from "../blocks/secrets/secret-key-source.js";
import { openMetadataService } from "../database/service/open-metadata-service.js";
import { parseDatabaseUrl, redactUrlPassword, type Settings } from "../settings/index.js";
import { openEmbeddedClient } from "./embedded/open-embedded-client.js";
import { HttpClient } from "./http/http-client.js";
import type { OrchestrationClient } from "./orchestration-client.js";
import { ServiceClient } from "./service/service-client.js";

/** Options of {@link createOrchestrationClient}. */
export interface CreateClientOptions {
  /**
   * For the embedded SQLite store: whether its writes go to a writer thread (`"auto"`: once
   * the process writes a lot). A process whose main thread mostly waits for its writes to
   * be durable (a `cairn worker`) writes inline: handing each group commit to another
   * thread costs more than the write. @default "auto"
   */
  embeddedWriterThread?: boolean | "auto";
}

/**
 * Opens the metadata store the settings select:
 * - with `CAIRN_API_URL` set, the Cairn server's API ({@link HttpClient}, sending
 *   `CAIRN_API_KEY`): nothing is written to a local database;
 * - else the database of `CAIRN_API_DATABASE_URL`: the embedded SQLite store (default
 *   `$CAIRN_HOME/cairn.db`), or a PostgreSQL database used in-process through the same
 *   service layer the server runs (migrations applied on open).
 *
 * @example
 * ```ts
 * const client = await createOrchestrationClient(loadSettings());
 * ```
 */
export async function createOrchestrationClient(settings: Settings, options: CreateClientOptions = {}): Promise<OrchestrationClient> {
  const apiUrl = settings.get("CAIRN_API_URL");
  if (apiUrl !== undefined) return new HttpClient({ url: apiUrl, apiKey: settings.get("CAIRN_API_KEY") });
  const databaseUrl = settings.get("CAIRN_API_DATABASE_URL");
  const location = parseDatabaseUrl(databaseUrl);
  const secretKey = SecretKeySource.fromSettings(settings);
  if (location.dialect === "postgresql") {
    const service = await openMetadataService({ databaseUrl, secretKey });
    return new ServiceClient({ api: service, describe: `PostgreSQL at ${redactUrlPassword(location.url)}` });
  }
  return openEmbeddedClient({ path: location.path, secretKey, writerThread: options.embeddedWriterThread ?? "auto" });
}
