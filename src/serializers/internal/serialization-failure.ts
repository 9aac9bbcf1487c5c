import { SerializationError } from "../errors/serialization-error.js";
import { describeCause } from "./describe-cause.js";
import type { UnserializableValue } from "./describe-value.js";
import { findUnserializable, type UnserializableRules } from "./find-unserializable.js";

const PERSIST_FALSE = "or set `persistResult: false` on the task or flow to keep its result in memory only";

/** The way out a message suggests, for a serializer type and the value it refused. */
export function suggestionFor(serializerType: string, refused: Pick<UnserializableValue, "kind" | "className">): string {
  switch (refused.kind) {
    case "function":
    case "symbol":
    case "weak-reference":
      return `No serializer can store it: return plain data instead, ${PERSIST_FALSE}.`;
    case "promise":
      return `Await the promise and return its value, ${PERSIST_FALSE}.`;
    case "cycle":
      return (
        'Use the "msgpack" serializer, which keeps cycles and shared references ' +
        `(resultSerializer: "msgpack"), ${PERSIST_FALSE}.`
      );
    case "class-instance": {
      const name = refused.className !== undefined && /^[A-Za-z_$][\w$]*$/.test(refused.className) ? refused.className : "Name";
      return (
        `Register the class for JSON with registerJsonClass("${name}", ${name}), give it a toJSON() method, ` +
        'or use the "msgpack" serializer (stores class instances as plain objects), ' +
        `${PERSIST_FALSE}.`
      );
    }
    case "unsupported":
      return serializerType === "json"
        ? 'Use the "msgpack" serializer (handles Map, Set, Date, BigInt, typed arrays, Error and cycles), ' +
            `${PERSIST_FALSE}.`
        : 'Try another serializer ("msgpack" handles Map, Set, Date, BigInt, typed arrays and cycles; ' +
            `"json" needs registered classes), ${PERSIST_FALSE}.`;
  }
}

/**
 * Builds the {@link SerializationError} for a failed `dumps`: walks the value (only now,
 * after the failure) to find the offending part and its path.
 */
export function serializationFailure(
  serializerType: string,
  value: unknown,
  rules: UnserializableRules,
  cause: unknown,
): SerializationError {
  if (cause instanceof SerializationError) return cause;
  let finding;
  try {
    finding = findUnserializable(value, rules);
  } catch {
    finding = undefined; // a getter threw while walking: report the original failure
  }
  if (finding === undefined) {
    return new SerializationError(
      {
        serializerType,
        path: undefined,
        problem: `the ${serializerType} encoder failed (${describeCause(cause)})`,
        suggestion: suggestionFor(serializerType, { kind: "unsupported" }),
      },
      { cause },
    );
  }
  return new SerializationError(
    {
      serializerType,
      path: finding.path,
      problem: finding.problem,
      suggestion: suggestionFor(serializerType, finding),
    },
    { cause },
  );
}
