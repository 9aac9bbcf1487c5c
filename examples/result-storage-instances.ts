// Twin of the notes' "Using a specific (not saved to the API) storage block": the task
// persists to an S3 instance, the flow to a LocalFileSystem instance (the notes' "../results",
// here a folder inside the working directory). Neither was saved as a block, so each is saved
// anonymously the first time a result needs it: once per configuration, not once per run.
// Connection settings: see s3-helpers.ts.
//
// Run: node --env-file=.env --import tsx examples/result-storage-instances.ts
import { readdirSync } from "node:fs";
import { currentEngine, flow, LocalFileSystem, readResult, S3, task, type PersistedResult } from "cairn";
import { clearS3ResultFiles, getS3ResultFiles, s3Options } from "./s3-helpers.js";

const taskStorage = new S3(s3Options("path")); // bucketPath: "<bucket>/path"
const flowStorage = new LocalFileSystem({ basepath: "results" });
await clearS3ResultFiles(taskStorage);

const myTask = task({ persistResult: true, resultStorage: taskStorage }, () => "Hi! 👋");

const myFlow = flow({ persistResult: true, resultStorage: flowStorage }, async () => {
  await myTask();
  return "Bye! 👋";
});

const state = await myFlow.returnState();
const reference = state.data as PersistedResult;
console.log(await readResult(reference.storageKey, { storage: flowStorage })); // prints: Bye! 👋

const [s3Key] = await getS3ResultFiles(taskStorage);
console.log(await readResult(s3Key!, { storage: taskStorage })); // prints: Hi! 👋

await myFlow(); // a second run: two more results, no new block documents
console.log(`${(await getS3ResultFiles(taskStorage)).length} objects under <bucket>/path`); // prints: 2 objects under <bucket>/path
console.log(`${readdirSync("results").length} files in ./results`); // prints: 2 files in ./results

const client = await currentEngine().client();
const anonymous = (await client.readBlockDocuments({ includeAnonymous: true })).filter((doc) => doc.isAnonymous);
console.log(`anonymous blocks: ${anonymous.map((doc) => doc.blockTypeSlug).sort().join(", ")}`); // prints: anonymous blocks: local-file-system, s3
// The reference names the flow's storage by the id of its anonymous block document:
const local = anonymous.find((doc) => doc.blockTypeSlug === "local-file-system");
console.log(reference.storageBlockId === local?.id, local?.name.startsWith("anonymous-")); // prints: true true
await clearS3ResultFiles(taskStorage);
