import { ConfigurationError } from "../../errors/configuration-error.js";
import type { BytesSerializer } from "../bytes-serializer.js";
import { DeserializationError } from "../errors/deserialization-error.js";
import { describeCause } from "../internal/describe-cause.js";
import { serializationFailure } from "../internal/serialization-failure.js";
import type { SerializerConfig } from "../serializer.js";
import { defaultJsonClasses, type JsonClassRegistry } from "./json-class-registry.js";
import { decodeJson, JsonDecodeFailure, type JsonDecoderHook } from "./json-decoder.js";
import { encodeJson, type JsonEncoderHook } from "./json-encoder.js";
import { jsonRules } from "./json-rules.js";

/** Options of the {@link JSONSerializer}. */
export interface JSONSerializerOptions {
  /**
   * Called for every value that is not plain JSON before the built-in hooks; return a
   * replacement (often `jsonTag(...)`) or `undefined` for the default handling.
   * Not part of the stored configuration: a reader needs the matching `decoder`.
   * @default undefined
   */
  encoder?: JsonEncoderHook | undefined;
  /**
   * Called for tags the serializer does not know, with the decoded payload; return the
   * value or `undefined` to refuse the tag.
   * @default undefined
   */
  decoder?: JsonDecoderHook | undefined;
  /**
   * The classes this serializer writes and rebuilds by name.
   * @default the global registry of {@link registerJsonClass}
   */
  classes?: JsonClassRegistry | undefined;
  /**
   * Object properties whose value is `undefined`: `"omit"` drops them (as `JSON.stringify`
   * does), `"keep"` writes them as `{"$cairn":"undefined"}` so the key survives.
   * `undefined` in arrays, Maps, Sets and at the top level is always kept.
   * @default "omit"
   */
  undefinedProperties?: "omit" | "keep" | undefined;
  /**
   * Indentation of the output (spaces); 0 writes compact JSON.
   * @default 0
   */
  indent?: number | undefined;
}

/** The stored configuration of a {@link JSONSerializer}. */
export interface JSONSerializerConfig extends SerializerConfig {
  type: "json";
  undefinedProperties: "omit" | "keep";
  indent: number;
}

/**
 * Human-readable JSON, with tagged objects for the types JSON lacks: Date, BigInt, Map,
 * Set, Buffer and typed arrays, ArrayBuffer, DataView, URL, RegExp, Error, NaN/±Infinity/-0,
 * `undefined`, and classes registered with {@link registerJsonClass}. Plain JSON stays
 * plain: `{ a: 1 }` is written `{"a":1}`. Reading never imports or runs code named in the data.
 *
 * @example
 * ```ts
 * const s = new JSONSerializer();
 * s.dumps({ a: 1, when: new Date(0) });
 * // '{"a":1,"when":{"$cairn":"Date","value":"1970-01-01T00:00:00.000Z"}}'
 * s.loads('{"a":1}'); // { a: 1 }
 * ```
 */
export class JSONSerializer implements BytesSerializer {
  /** Always `"json"`. */
  readonly type = "json";
  /** How `dumps` text relates to `dumpsBytes` bytes. */
  readonly dataEncoding = "utf8" as const;
  private readonly encoder: JsonEncoderHook | undefined;
  private readonly decoder: JsonDecoderHook | undefined;
  private readonly classes: JsonClassRegistry;
  private readonly undefinedProperties: "omit" | "keep";
  private readonly indent: number;

  constructor(options: JSONSerializerOptions = {}) {
    this.encoder = checkFunction(options.encoder, "encoder");
    this.decoder = checkFunction(options.decoder, "decoder");
    this.classes = options.classes ?? defaultJsonClasses;
    this.undefinedProperties = options.undefinedProperties ?? "omit";
    if (this.undefinedProperties !== "omit" && this.undefinedProperties !== "keep") {
      throw new ConfigurationError(
        `Invalid JSON serializer option \`undefinedProperties\`: ${JSON.stringify(options.undefinedProperties)}. ` +
          'Use "omit" (the default) or "keep".',
      );
    }
    this.indent = options.indent ?? 0;
    if (!Number.isInteger(this.indent) || this.indent < 0 || this.indent > 10) {
      throw new ConfigurationError(
        `Invalid JSON serializer option \`indent\`: ${JSON.stringify(options.indent)}. Use a whole number from 0 to 10.`,
      );
    }
  }

  /** Builds a serializer from its stored configuration. */
  static fromConfig(config: SerializerConfig): JSONSerializer {
    return new JSONSerializer({
      undefinedProperties: config.undefinedProperties as JSONSerializerOptions["undefinedProperties"],
      indent: config.indent as number | undefined,
    });
  }

  /**
   * Writes `value` as JSON text.
   * @throws SerializationError naming the path to a value JSON cannot hold
   */
  dumps(value: unknown): string {
    let tree: unknown;
    try {
      tree = encodeJson(value, {
        encoder: this.encoder,
        classes: this.classes,
        undefinedProperties: this.undefinedProperties,
      });
      return JSON.stringify(tree, null, this.indent === 0 ? undefined : this.indent);
    } catch (err) {
      throw serializationFailure(this.type, value, jsonRules(this.encoder, this.classes), err);
    }
  }

  /**
   * Reads JSON text written by {@link JSONSerializer.dumps} (or any JSON).
   * @throws DeserializationError for text that is not JSON, a malformed tag, an unknown tag or class
   */
  loads(serialized: string): unknown {
    if (typeof serialized !== "string") {
      throw new DeserializationError({ serializerType: this.type, problem: `expected text, got ${typeof serialized}` });
    }
    let tree: unknown;
    try {
      tree = JSON.parse(serialized);
    } catch (err) {
      throw new DeserializationError(
        { serializerType: this.type, problem: `the text is not valid JSON (${describeCause(err)})` },
        { cause: err },
      );
    }
    if (!serialized.includes('"$cairn"')) return tree;
    try {
      return decodeJson(tree, { decoder: this.decoder, classes: this.classes });
    } catch (err) {
      if (err instanceof JsonDecodeFailure) {
        throw new DeserializationError(
          { serializerType: this.type, problem: `${err.problem} (at ${err.path()})`, hint: err.hint },
          { cause: err },
        );
      }
      throw new DeserializationError(
        {
          serializerType: this.type,
          problem: `a decoder hook or a registered class's fromJSON failed (${describeCause(err)})`,
          hint: "Fix the hook, or read the data with the serializer options it was written with.",
        },
        { cause: err },
      );
    }
  }

  /** {@link JSONSerializer.dumps} as UTF-8 bytes. */
  dumpsBytes(value: unknown): Uint8Array {
    return Buffer.from(this.dumps(value), "utf8");
  }

  /** {@link JSONSerializer.loads} from UTF-8 bytes. */
  loadsBytes(bytes: Uint8Array): unknown {
    return this.loads(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  }

  /** `{ type: "json", undefinedProperties, indent }`; hooks and class registries are not stored. */
  toConfig(): JSONSerializerConfig {
    return { type: "json", undefinedProperties: this.undefinedProperties, indent: this.indent };
  }
}

function checkFunction<F>(value: F | undefined, option: string): F | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new ConfigurationError(`Invalid JSON serializer option \`${option}\`: expected a function, got ${typeof value}.`);
  }
  return value;
}
