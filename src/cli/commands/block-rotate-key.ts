import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command } from "commander";
import { rotateSecretKey, type RotateSecretKeyResult } from "../../blocks/secrets/rotate-secret-key.js";
import { SecretKey } from "../../blocks/secrets/secret-key.js";
import { SecretKeySource } from "../../blocks/secrets/secret-key-source.js";
import { openEmbeddedClient } from "../../client/embedded/open-embedded-client.js";
import { rotateServerSecretKey } from "../../client/http/rotate-server-secret-key.js";
import { openMetadataService } from "../../database/service/open-metadata-service.js";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { parseDatabaseUrl, type Settings } from "../../settings/index.js";
import { cliIO, cliSettings, print } from "../output.js";

/**
 * `cairn block rotate-key [--new-key-file PATH]`: re-encrypts every saved block's secrets
 * with a new secret key and installs it, wherever the store is:
 *
 * - the embedded SQLite store, or PostgreSQL in-process (`CAIRN_API_DATABASE_URL`): this
 *   process holds the key (the key file in `CAIRN_HOME`, or `CAIRN_SECRET_KEY`);
 * - a server (`CAIRN_API_URL`): the server holds the key, generates the new one and installs
 *   it (`POST /api/block-secrets/rotate-key`); the client sends no key material.
 *
 * @example
 * ```sh
 * cairn block rotate-key
 * CAIRN_API_URL=http://127.0.0.1:4200/api CAIRN_API_KEY=... cairn block rotate-key
 * ```
 */
export function rotateKeyCommand(): Command {
  return new Command("rotate-key")
    .description("Encrypt every saved block's secrets with a new secret key, and install it.")
    .option("--new-key-file <PATH>", "read the new key (32 bytes, base64) from this file; default: a new random key")
    .addHelpText(
      "after",
      "\nWith the key file ($CAIRN_HOME/secret.key) a new key is generated and installed; the old one is kept as\n" +
        "secret.key.old. With CAIRN_SECRET_KEY, give --new-key-file, then set CAIRN_SECRET_KEY to that key.\n" +
        "With CAIRN_API_URL the server rotates its own key (it generates the new one; --new-key-file is refused).",
    )
    .action(async (options: { newKeyFile?: string }) => {
      const settings = cliSettings();
      const apiUrl = settings.get("CAIRN_API_URL");
      if (apiUrl !== undefined) return rotateOnServer(apiUrl, settings, options.newKeyFile);
      let newKey: SecretKey | undefined;
      if (options.newKeyFile !== undefined) {
        const file = resolve(cliIO().cwd, options.newKeyFile);
        newKey = SecretKey.fromBase64(readFileSync(file, "utf8"), `The file ${file}`);
      }
      const result = await rotateHere(settings, newKey);
      print(`Re-encrypted the secrets of ${result.documents} block(s): key ${result.oldFingerprint} -> ${result.newFingerprint}.`);
      if (result.keyFile !== undefined) {
        print(`The new key is in ${result.keyFile}; the old one was kept in ${result.backupFile ?? "?"}.`);
        print("Delete the old key once no backup of the database made before now needs to be read.");
      } else {
        print("Now set CAIRN_SECRET_KEY to the new key in every process that uses this store.");
      }
    });
}

/** The store is in this process: the embedded SQLite file, or PostgreSQL through the service layer. */
async function rotateHere(settings: Settings, newKey: SecretKey | undefined): Promise<RotateSecretKeyResult> {
  const source = SecretKeySource.fromSettings(settings);
  const databaseUrl = settings.get("CAIRN_API_DATABASE_URL");
  const location = parseDatabaseUrl(databaseUrl);
  const keyOption = newKey === undefined ? {} : { newKey };
  if (location.dialect === "postgresql") {
    const service = await openMetadataService({ databaseUrl, secretKey: source });
    try {
      return await service.blocks.rotateSecretKey(keyOption);
    } finally {
      await service.close();
    }
  }
  const client = await openEmbeddedClient({ path: location.path, secretKey: source });
  try {
    return await rotateSecretKey({ source, reencrypt: (from, to) => client.reencryptBlockSecrets(from, to), ...keyOption });
  } finally {
    await client.close();
  }
}

async function rotateOnServer(url: string, settings: Settings, newKeyFile: string | undefined): Promise<void> {
  if (newKeyFile !== undefined) {
    throw new ConfigurationError(
      `--new-key-file cannot be used with CAIRN_API_URL (${url}): the server holds the secret key and generates the ` +
        "new one itself, and no key material is sent over the API. Run without --new-key-file, or run the command on " +
        "the server's machine against its database (CAIRN_API_DATABASE_URL, without CAIRN_API_URL).",
      { context: { setting: "CAIRN_API_URL" } },
    );
  }
  const result = await rotateServerSecretKey({ url, apiKey: settings.get("CAIRN_API_KEY") });
  print(
    `The server at ${url} re-encrypted the secrets of ${result.documents} block(s): key ${result.oldFingerprint} -> ${result.newFingerprint}.`,
  );
  print(`On the server's machine the new key is in ${result.keyFile}; the old one was kept in ${result.backupFile}.`);
  print("Other processes that read this server's database directly must use the new key (copy the key file, or set CAIRN_SECRET_KEY).");
}
