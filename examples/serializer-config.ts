// Twin of the notes' result_serializer example: a type string on the task, a configured
// instance on the flow, and storage instances that were never saved as blocks.
import { flow, task, JSONSerializer, LocalFileSystem } from "cairn";

const myTask = task(
  { persistResult: true, resultStorage: new LocalFileSystem({ basepath: "bucket/path" }), resultSerializer: "msgpack" },
  () => "Hi! 👋",
);

const myFlow = flow(
  { persistResult: true, resultStorage: new LocalFileSystem({ basepath: "flow-results" }), resultSerializer: new JSONSerializer({ indent: 2 }) },
  async () => {
    const state = await myTask.returnState();
    return { task: await state.result(), serializedWith: "json" };
  },
);

console.log(JSON.stringify(await myFlow())); // prints: {"task":"Hi! 👋","serializedWith":"json"}
