// Twin of the notes' always_store_results: a flow that always persists its result to the
// saved block "s3/demo", then the twin of `aws s3 ls s3://<bucket>/demo/`.
// Setting CAIRN_RESULTS_PERSIST_BY_DEFAULT=true (`cairn config set`) would persist it too,
// to the default storage; see test/docs/seed-twins.test.ts. Connection settings: see s3-helpers.ts.
//
// Run: node --env-file=.env --import tsx examples/always-store-results.ts
import { flow, readResult, type PersistedResult } from "cairn";
import { clearS3ResultFiles, createS3Block, getS3ResultFiles } from "./s3-helpers.js";

const demo = await createS3Block("demo"); // prints: Created block s3/demo with ID: …
await clearS3ResultFiles("s3/demo");

const alwaysStoreResults = flow({ persistResult: true, resultStorage: "s3/demo" }, () => "Hi from Results! 👋");

const state = await alwaysStoreResults.returnState();
console.log(await state.result()); // prints: Hi from Results! 👋

// The state holds a reference only: the key, and the id of the block it is stored in.
const reference = state.data as PersistedResult;
console.log(reference.storageBlockId === demo.blockDocumentId); // prints: true

const files = await getS3ResultFiles("s3/demo");
console.log(files.length, files[0] === reference.storageKey); // prints: 1 true
console.log(await readResult(reference.storageKey, { storage: "s3/demo" })); // prints: Hi from Results! 👋
await clearS3ResultFiles("s3/demo");
