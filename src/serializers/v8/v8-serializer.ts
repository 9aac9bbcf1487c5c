import { deserialize, serialize } from "node:v8";
import type { BytesSerializer } from "../bytes-serializer.js";
import { DeserializationError } from "../errors/deserialization-error.js";
import { decodeBase64, encodeBase64 } from "../internal/base64.js";
import { describeCause } from "../internal/describe-cause.js";
import { describeNeverSerializable } from "../internal/describe-value.js";
import type { UnserializableRules } from "../internal/find-unserializable.js";
import { serializationFailure } from "../internal/serialization-failure.js";
import type { SerializerConfig } from "../serializer.js";

/** The stored configuration of a {@link V8Serializer}. */
export interface V8SerializerConfig extends SerializerConfig {
  type: "v8";
}

const V8_RULES: UnserializableRules = { cyclesFail: false, inspect: describeNeverSerializable };

/**
 * Node's own structured-clone format (`node:v8` serialize/deserialize), as base64 text.
 * Keeps what `structuredClone` keeps: Date, Map, Set, BigInt, typed arrays and Buffers,
 * RegExp, built-in Errors (message, stack, cause), -0, `undefined`, sparse arrays, cycles.
 * Class instances become plain objects; URLs become `{}`; custom error classes become `Error`.
 * Data written by a newer Node may not be readable by an older one.
 *
 * @example
 * ```ts
 * const s = new V8Serializer();
 * s.loads(s.dumps(new Map([[1, new Date(0)]]))); // Map { 1 => Date }
 * ```
 */
export class V8Serializer implements BytesSerializer {
  /** Always `"v8"`. */
  readonly type = "v8";
  /** How `dumps` text relates to `dumpsBytes` bytes. */
  readonly dataEncoding = "base64" as const;

  /** Builds a serializer from its stored configuration (there are no options). */
  static fromConfig(_config: SerializerConfig): V8Serializer {
    return new V8Serializer();
  }

  /**
   * Writes `value` as base64 of the V8 serialization format.
   * @throws SerializationError naming the path to a value V8 cannot clone
   */
  dumps(value: unknown): string {
    return encodeBase64(this.dumpsBytes(value));
  }

  /**
   * Reads base64 text written by {@link V8Serializer.dumps}.
   * @throws DeserializationError for text that is not base64 or bytes V8 cannot read
   */
  loads(serialized: string): unknown {
    const bytes = decodeBase64(serialized);
    if (bytes === undefined) {
      throw new DeserializationError({ serializerType: this.type, problem: "the text is not valid base64" });
    }
    return this.loadsBytes(bytes);
  }

  /** {@link V8Serializer.dumps} without the base64 step. */
  dumpsBytes(value: unknown): Uint8Array {
    try {
      return serialize(value);
    } catch (err) {
      throw serializationFailure(this.type, value, V8_RULES, err);
    }
  }

  /** {@link V8Serializer.loads} without the base64 step. */
  loadsBytes(bytes: Uint8Array): unknown {
    if (bytes.byteLength === 0) {
      throw new DeserializationError({ serializerType: this.type, problem: "the data is empty" });
    }
    try {
      return deserialize(bytes);
    } catch (err) {
      throw new DeserializationError(
        { serializerType: this.type, problem: `the bytes are not valid V8 serialization data (${describeCause(err)})` },
        { cause: err },
      );
    }
  }

  /** `{ type: "v8" }`. */
  toConfig(): V8SerializerConfig {
    return { type: "v8" };
  }
}
