import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CairnError, isCairnError } from "../../src/errors/cairn-error.js";
import {
  JSONSerializer,
  MsgpackSerializer,
  SerializationError,
  isDeserializationError,
  isSerializationError,
  type DeserializationError,
} from "../../src/serializers/index.js";

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail("expected an error");
}

describe("SerializationError", () => {
  it("is a CairnError with a stable code and structured fields", () => {
    const err = catchError(() => new MsgpackSerializer().dumps({ items: [1, 2, 3, { callback() {} }] }));
    assert.ok(err instanceof SerializationError);
    assert.ok(err instanceof CairnError);
    assert.ok(isCairnError(err, "SERIALIZATION_ERROR"));
    assert.ok(isSerializationError(err));
    assert.equal(err.name, "SerializationError");
    assert.equal(err.serializerType, "msgpack");
    assert.equal(err.path, "value.items[3].callback");
    assert.equal(err.problem, "is a function (callback)");
    assert.match(err.suggestion, /persistResult: false/);
    assert.ok(err.cause instanceof Error, "keeps the library's error as cause");
  });

  it("takes the task name with withSubject, for the engine", () => {
    const err = catchError(() => new JSONSerializer().dumps({ items: [1, 2, 3, { callback: () => 1 }] })) as SerializationError;
    const named = err.withSubject("task 'extract-user'", { runName: "extract-user", taskRunId: "t1" });
    assert.ok(named instanceof SerializationError);
    assert.equal(named.subject, "task 'extract-user'");
    assert.equal(named.path, err.path);
    assert.equal(named.cause, err.cause);
    assert.deepEqual(named.context, { runName: "extract-user", taskRunId: "t1" });
    assert.match(
      named.message,
      /^Cannot serialize the result of task 'extract-user' with the "json" serializer: value\.items\[3\]\.callback is a function/,
    );
  });

  it("shortens very long paths in the message but keeps them whole in `path`", () => {
    let value: unknown = () => 1;
    for (let i = 0; i < 100; i++) value = { level: value };
    const err = catchError(() => new JSONSerializer().dumps(value)) as SerializationError;
    assert.equal(err.path, `value${".level".repeat(100)}`);
    assert.ok(err.message.includes("…"));
    assert.ok(err.message.length < 600);
  });

  it("still explains a failure it cannot locate", () => {
    const err = new SerializationError({
      serializerType: "custom",
      path: undefined,
      problem: "the custom encoder failed (boom)",
      suggestion: "Try another serializer.",
    });
    assert.equal(err.message, 'Cannot serialize the value with the "custom" serializer: the custom encoder failed (boom). Try another serializer.');
  });
});

describe("DeserializationError", () => {
  it("names the serializer, the problem and what to do; withSubject names the data", () => {
    const err = catchError(() => new MsgpackSerializer().loads("@@@@")) as DeserializationError;
    assert.ok(isDeserializationError(err));
    assert.ok(isCairnError(err, "DESERIALIZATION_ERROR"));
    assert.equal(err.serializerType, "msgpack");
    assert.match(err.message, /^The "msgpack" serializer could not read the data: the text is not valid base64\. /);
    const named = err.withSubject("result 'abc' in local-file-system/dev");
    assert.match(named.message, /could not read result 'abc' in local-file-system\/dev: the text is not valid base64/);
  });
});
