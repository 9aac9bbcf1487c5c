// Twin of the notes' compressed pickle example: a task with a configured CompressedSerializer
// inside a flow whose serializer is the "compressed/<default>" shorthand.
import { flow, task, CompressedSerializer } from "cairn";

const getSomeLargeResult = task(
  {
    persistResult: true,
    // more explicit, and lets you pick the compression library
    resultSerializer: new CompressedSerializer({ compressionlib: "zlib", serializer: "msgpack" }),
  },
  () => 42,
);

const flowWithCompressedSerializer = flow({ resultSerializer: "compressed/msgpack" }, async () => {
  const state = await getSomeLargeResult.returnState();
  console.log(await state.result()); // prints: 42
  return "Hi from Results with task with compressed msgpack serializer! 👋";
});

console.log(await flowWithCompressedSerializer()); // prints: Hi from Results with task with compressed msgpack serializer! 👋
