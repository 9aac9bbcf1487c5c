import { SecretKeySource } from "../blocks/secrets/secret-key-source.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { parseDatabaseUrl, type Settings } from "../settings/index.js";
import { openEmbeddedClient } from "./embedded/open-embedded-client.js";
import type { OrchestrationClient } from "./orchestration-client.js";

/**
 * Opens the metadata store the settings select: the embedded SQLite store at
 * `CAIRN_API_DATABASE_URL` (default `$CAIRN_HOME/cairn.db`), or, with `CAIRN_API_URL`
 * set, the Cairn server's API.
 */
export async function createOrchestrationClient(settings: Settings): Promise<OrchestrationClient> {
  const apiUrl = settings.get("CAIRN_API_URL");
  if (apiUrl !== undefined) {
    throw new ConfigurationError(
      `CAIRN_API_URL is set (${apiUrl}), but this version of Cairn has no HTTP client yet: ` +
        "unset CAIRN_API_URL to use the embedded store.",
    );
  }
  const location = parseDatabaseUrl(settings.get("CAIRN_API_DATABASE_URL"));
  if (location.dialect !== "sqlite") {
    throw new ConfigurationError(
      "CAIRN_API_DATABASE_URL points at PostgreSQL; the embedded store runs on SQLite only. " +
        "Run `cairn server start` with that URL and set CAIRN_API_URL in clients instead, or use a sqlite:/// URL.",
    );
  }
  return openEmbeddedClient({ path: location.path, secretKey: SecretKeySource.fromSettings(settings) });
}
