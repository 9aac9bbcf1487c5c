// Twin of the notes' "Using the block_type/block_name (the storage block slug)": the flow
// names the saved block "s3/demo"; the task inside has no storage of its own and uses the
// flow's (and persists, inheriting the flow's persistResult: true).
// Connection settings: see s3-helpers.ts.
//
// Run: node --env-file=.env --import tsx examples/s3-result-storage-slug.ts
import { flow, task, readResult, type PersistedResult } from "cairn";
import { clearS3ResultFiles, createS3Block, getS3ResultFiles } from "./s3-helpers.js";

const demo = await createS3Block("demo"); // prints: Created block s3/demo with ID: …
await clearS3ResultFiles("s3/demo");

const myTask = task(() => "Hi! 👋");

const myFlow = flow({ persistResult: true, resultStorage: "s3/demo" }, async () => {
  const state = await myTask.returnState(); // this task uses the flow's result storage
  const { storageKey, storageBlockId } = state.data as PersistedResult;
  return { storageKey, storageBlockId }; // the flow's own result persists to s3/demo too
});

const taskResult = await myFlow();
console.log(taskResult.storageBlockId === demo.blockDocumentId); // prints: true
console.log(await readResult(taskResult.storageKey, { storage: "s3/demo" })); // prints: Hi! 👋
console.log(`${(await getS3ResultFiles("s3/demo")).length} objects under s3/demo`); // prints: 2 objects under s3/demo
await clearS3ResultFiles("s3/demo");
