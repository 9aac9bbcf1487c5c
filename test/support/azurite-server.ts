/**
 * A real Azure Blob service for tests: Azurite (npm devDependency), blob service only,
 * in memory, on a free loopback port, with its own account and a random key so that
 * wrong-key tests are real; telemetry off; stopped after.
 *
 * @example
 * ```ts
 * const azurite = await startAzurite();
 * after(() => azurite.stop());
 * const storage = new AzureBlobStorage({ bucketPath: `${azurite.container}/case-1`, connectionString: azurite.connectionString });
 * ```
 */
import { BlobServiceClient } from "@azure/storage-blob";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A running Azurite blob service. */
export interface AzuriteServer {
  /** The account's blob endpoint, `http://127.0.0.1:PORT/<account>`. */
  accountUrl: string;
  accountName: string;
  accountKey: string;
  /** A connection string with the account key. */
  connectionString: string;
  /** A container created at start. */
  container: string;
  /** Stops the service (its data was in memory only). */
  stop(): Promise<void>;
}

/** The path of Azurite's blob-only entry point (its `azurite-blob` bin). */
function azuriteBlobMain(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve("azurite/package.json");
  } catch {
    throw new Error("The Azure tests need the azurite devDependency: run `npm ci` (or `npm install`).");
  }
  const bin = (JSON.parse(readFileSync(manifest, "utf8")) as { bin?: Record<string, string> }).bin?.["azurite-blob"];
  if (bin === undefined) throw new Error(`azurite at ${dirname(manifest)} has no azurite-blob entry point.`);
  return join(dirname(manifest), bin);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
}

/** Starts Azurite's blob service and creates a container. */
export async function startAzurite(): Promise<AzuriteServer> {
  const accountName = "cairntest";
  const accountKey = randomBytes(32).toString("base64");
  const dir = await mkdtemp(join(tmpdir(), "cairn-azurite-"));
  const args = [
    azuriteBlobMain(),
    "--blobHost", "127.0.0.1",
    "--blobPort", "0",
    "--inMemoryPersistence",
    "--extentMemoryLimit", "1024",
    "--disableTelemetry",
    "--skipApiVersionCheck",
    "--silent",
  ];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, AZURITE_ACCOUNTS: `${accountName}:${accountKey}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener("exit", killOnExit);
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };

  let output = "";
  let baseUrl: string;
  try {
    baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within 30 s:\n${output}`)), 30_000);
      const take = (chunk: Buffer): void => {
        output += chunk.toString("utf8");
        const listening = /successfully listens on (http:\/\/\S+)/.exec(output);
        if (listening?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(listening[1].replace(/\/+$/, ""));
        }
      };
      child.stdout.on("data", take);
      child.stderr.on("data", take);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited (${code ?? signal}) while starting:\n${output}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const accountUrl = `${baseUrl}/${accountName}`;
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${accountName};AccountKey=${accountKey};BlobEndpoint=${accountUrl};`;
  const container = "cairn-test";
  try {
    await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container).create();
  } catch (err) {
    await stop();
    throw err;
  }
  return { accountUrl, accountName, accountKey, connectionString, container, stop };
}
