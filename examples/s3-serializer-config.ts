// Twin of the notes' result_serializer example, on real S3: the task persists to an S3
// instance with a serializer type string ("msgpack", Cairn's pickle), the flow to a local
// folder with a configured JSONSerializer instance. Each blob records its serializer's
// full configuration, which is all a reader needs. Connection settings: see s3-helpers.ts.
//
// Run: node --env-file=.env --import tsx examples/s3-serializer-config.ts
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { flow, task, JSONSerializer, LocalFileSystem, PersistedResultBlob, S3, type PersistedResult } from "cairn";
import { clearS3ResultFiles, getS3ResultFiles, s3Options } from "./s3-helpers.js";

const taskStorage = new S3(s3Options("path")); // bucketPath: "<bucket>/path"
await clearS3ResultFiles(taskStorage);

const myTask = task({ persistResult: true, resultStorage: taskStorage, resultSerializer: "msgpack" }, () => "Hi! 👋");

const myFlow = flow(
  { persistResult: true, resultStorage: new LocalFileSystem({ basepath: "results" }), resultSerializer: new JSONSerializer({ indent: 2 }) },
  async () => {
    await myTask();
    return { greeting: "Hi! 👋", at: new Date("2026-01-01T00:00:00Z") };
  },
);

const state = await myFlow.returnState();
const [taskKey] = await getS3ResultFiles(taskStorage);
const taskBlob = PersistedResultBlob.parse(JSON.parse(new TextDecoder().decode(await taskStorage.readPath(taskKey!))));
console.log(`task: ${taskBlob.serializer.type}`); // prints: task: msgpack

const flowKey = (state.data as PersistedResult).storageKey;
const flowBlob = PersistedResultBlob.parse(JSON.parse(readFileSync(join("results", flowKey), "utf8")));
console.log(`flow: ${JSON.stringify(flowBlob.serializer)}`); // prints: flow: {"type":"json","undefinedProperties":"omit","indent":2}
// JSON data is human-readable in the blob:
console.log(flowBlob.data.includes('"greeting": "Hi! 👋"')); // prints: true
await clearS3ResultFiles(taskStorage);
