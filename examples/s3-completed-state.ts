// Twin of the `__main__` of the notes' S3 helper script: a flow that returns a Completed
// state, persisting its data to the saved block "s3/demo"; then the one object it wrote is
// listed, read back twice (readResult, and by hand from the blob), and cleared.
// Connection settings: see s3-helpers.ts.
//
// Run: node --env-file=.env --import tsx examples/s3-completed-state.ts
import { flow, Completed, PersistedResultBlob, readResult, resolveSerializer, S3 } from "cairn";
import { clearS3ResultFiles, createS3Block, getS3ResultFiles } from "./s3-helpers.js";

await createS3Block("demo"); // prints: Created block s3/demo with ID: …
await clearS3ResultFiles("s3/demo");

const foo = flow({ persistResult: true, resultStorage: "s3/demo" }, () => Completed({ data: "completed" }));
await foo();

// No time.sleep(3) needed: the object is written whole before the run's state is recorded.
const files = await getS3ResultFiles("s3/demo");
console.log(`${files.length} result file(s) under s3/demo`); // prints: 1 result file(s) under s3/demo
const key = files[0]!;

console.log(await readResult(key, { storage: "s3/demo" })); // prints: completed

// By hand, as the notes' read_result does with a local file:
const s3 = await S3.load("demo");
const blob = PersistedResultBlob.parse(JSON.parse(new TextDecoder().decode(await s3.readPath(key))));
console.log(blob.serializer.type, await resolveSerializer(blob.serializer).loads(blob.data)); // prints: msgpack completed

await clearS3ResultFiles("s3/demo");
console.log(`${(await getS3ResultFiles("s3/demo")).length} after clearing`); // prints: 0 after clearing
