import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretKeySource } from "../../src/blocks/secrets/secret-key-source.js";
import type { MetadataService } from "../../src/database/service/metadata-service.js";
import { openMetadataService } from "../../src/database/service/open-metadata-service.js";

/** A service on a fresh SQLite file in a temporary folder, and a way to remove both. */
export async function tempService(): Promise<{ service: MetadataService; dir: string; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "cairn-server-"));
  const service = await openMetadataService({
    databaseUrl: `sqlite:///${join(dir, "cairn.db")}`,
    secretKey: new SecretKeySource({ file: join(dir, "secret.key") }),
  });
  return {
    service,
    dir,
    dispose: async () => {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON body of a response. */
export async function body<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
