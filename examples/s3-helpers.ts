// Twin of the notes' S3 helpers: create_s3_block, get_s3_result_files and
// clear_s3_result_files, plus the "Create S3 block" snippet that takes its keys from the
// environment. The other s3-*.ts examples, quiz.ts and always-store-results.ts import them.
//
// Where to connect comes from the environment, as the notes read it from a .env file
// (Node reads one with --env-file):
//   CAIRN_EXAMPLE_S3_BUCKET      the bucket (required), e.g. cairn-orion
//   CAIRN_EXAMPLE_S3_ENDPOINT    an S3-compatible server, e.g. http://127.0.0.1:8333 (omit for AWS S3)
//   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
//                                the keys (omit both for the AWS default credential chain)
//
// Run: node --env-file=.env --import tsx examples/s3-helpers.ts
import { pathToFileURL } from "node:url";
import { S3, task, type S3Options } from "cairn";

/** The S3 block options for `<bucket>/<prefix>`, from the environment. */
export function s3Options(prefix: string): S3Options {
  const bucket = process.env.CAIRN_EXAMPLE_S3_BUCKET;
  if (bucket === undefined || bucket === "") {
    throw new Error(
      "Set CAIRN_EXAMPLE_S3_BUCKET to the bucket the examples may write to (and CAIRN_EXAMPLE_S3_ENDPOINT, " +
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY as needed), e.g. in a .env file read with node --env-file=.env.",
    );
  }
  const env = (name: string): string | undefined => (process.env[name] === "" ? undefined : process.env[name]);
  return {
    bucketPath: `${bucket}/${prefix}`,
    // when creating a block you can pass these from CI/CD secrets, or read them from the environment
    awsAccessKeyId: env("AWS_ACCESS_KEY_ID"),
    awsSecretAccessKey: env("AWS_SECRET_ACCESS_KEY"),
    endpointUrl: env("CAIRN_EXAMPLE_S3_ENDPOINT"),
  };
}

/** create_s3_block: saves an S3 block for `<bucket>/<name>` as `s3/<name>`, replacing an earlier one. */
export async function createS3Block(name = "demo"): Promise<S3> {
  const s3 = new S3(s3Options(name));
  const id = await s3.save(name, { overwrite: true });
  console.log(`Created block ${s3.blockTypeSlug}/${name} with ID: ${id}`);
  return s3;
}

/** get_s3_result_files: the keys of the result objects under an S3 block's bucket path (a saved block's slug, or an instance), sorted. */
export async function getS3ResultFiles(storage: string | S3 = "s3/demo"): Promise<string[]> {
  const s3 = typeof storage === "string" ? await S3.load(storage) : storage;
  const files: string[] = [];
  for await (const object of s3.listPaths()) files.push(object.path);
  return files.sort();
}

/** clear_s3_result_files: deletes every object under an S3 block's bucket path (a saved block's slug, or an instance). */
export async function clearS3ResultFiles(storage: string | S3 = "s3/demo"): Promise<void> {
  const s3 = typeof storage === "string" ? await S3.load(storage) : storage;
  for (const file of await getS3ResultFiles(s3)) await s3.deletePath(file);
}

// Run as a script: the helpers in turn, on one persisted result.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await createS3Block("demo"); // prints: Created block s3/demo with ID: …
  await clearS3ResultFiles("s3/demo");
  const answer = task({ persistResult: true, resultStorage: "s3/demo" }, () => 42);
  await answer();
  const files = await getS3ResultFiles("s3/demo");
  console.log(files); // e.g. [ '0193a2f07c2170008d4b3f0e9a1c2b7d' ]
  console.log(`${files.length} result file(s) under s3/demo`); // prints: 1 result file(s) under s3/demo
  await clearS3ResultFiles("s3/demo");
  console.log(`${(await getS3ResultFiles("s3/demo")).length} after clearing`); // prints: 0 after clearing
}
