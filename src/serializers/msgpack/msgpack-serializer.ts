import { Packr } from "msgpackr";
import type { BytesSerializer } from "../bytes-serializer.js";
import { DeserializationError } from "../errors/deserialization-error.js";
import { decodeBase64, encodeBase64 } from "../internal/base64.js";
import { describeCause } from "../internal/describe-cause.js";
import { describeNeverSerializable } from "../internal/describe-value.js";
import type { UnserializableRules } from "../internal/find-unserializable.js";
import { serializationFailure } from "../internal/serialization-failure.js";
import type { SerializerConfig } from "../serializer.js";
import { registerCairnMsgpackExtension } from "./msgpack-extension.js";
import { toRichTree } from "./rich-values.js";
import { scanValue } from "./value-scan.js";

/** The stored configuration of a {@link MsgpackSerializer}. */
export interface MsgpackSerializerConfig extends SerializerConfig {
  type: "msgpack";
}

/** How msgpack sees values, for locating the one it could not write. */
const MSGPACK_RULES: UnserializableRules = {
  cyclesFail: false,
  inspect: describeNeverSerializable,
};

class Refused extends Error {}

/** Options shared by both encoders. */
const PACKR_HOOKS = {
  // Called for every object msgpackr writes as a map or record: refuse the ones it would
  // otherwise write as {} (WeakMap, Promise, ...).
  useRecords: (object: unknown) => {
    if ((object as { constructor?: unknown }).constructor !== Object && describeNeverSerializable(object)) {
      throw new Refused();
    }
    return true;
  },
  writeFunction: () => {
    throw new Refused();
  },
};

/**
 * MessagePack with msgpackr's structured-clone extensions, as base64 text: Cairn's rich
 * binary default (fast, compact, most built-in types). Keeps Date, Map (any keys), Set,
 * BigInt, typed arrays, ArrayBuffer, RegExp, Error (with stack, cause and own fields),
 * URL, `undefined`, NaN/±Infinity/-0, cycles and shared references. Class instances are
 * written as plain objects (or through their `toJSON()`), as structured clone does.
 * Functions, symbols, weak collections and promises are refused.
 *
 * @example
 * ```ts
 * const s = new MsgpackSerializer();
 * const text = s.dumps({ when: new Date(), ids: new Set([1, 2]) }); // base64
 * s.loads(text); // { when: Date, ids: Set {1, 2} }
 * ```
 */
export class MsgpackSerializer implements BytesSerializer {
  /** Always `"msgpack"`. */
  readonly type = "msgpack";
  /** How `dumps` text relates to `dumpsBytes` bytes. */
  readonly dataEncoding = "base64" as const;
  /** Structured clone with reference tracking: for values with shared references or cycles; reads everything. */
  private readonly referencing: Packr;
  /** The same format without reference tracking: several times faster on large object graphs. */
  private readonly plain: Packr;

  constructor() {
    registerCairnMsgpackExtension();
    this.referencing = new Packr({ structuredClone: true, ...PACKR_HOOKS });
    this.plain = new Packr({ moreTypes: true, ...PACKR_HOOKS });
  }

  /** Builds a serializer from its stored configuration (there are no options). */
  static fromConfig(_config: SerializerConfig): MsgpackSerializer {
    return new MsgpackSerializer();
  }

  /**
   * Writes `value` as base64 MessagePack.
   * @throws SerializationError naming the path to a value msgpack cannot hold
   */
  dumps(value: unknown): string {
    return encodeBase64(this.dumpsBytes(value));
  }

  /**
   * Reads base64 text written by {@link MsgpackSerializer.dumps}.
   * @throws DeserializationError for text that is not base64 or bytes that are not valid MessagePack
   */
  loads(serialized: string): unknown {
    const bytes = decodeBase64(serialized);
    if (bytes === undefined) {
      throw new DeserializationError({ serializerType: this.type, problem: "the text is not valid base64" });
    }
    return this.loadsBytes(bytes);
  }

  /** {@link MsgpackSerializer.dumps} without the base64 step. */
  dumpsBytes(value: unknown): Uint8Array {
    try {
      const scan = scanValue(value);
      if (scan.rich) {
        const { tree, shared } = toRichTree(value);
        return (shared ? this.referencing : this.plain).pack(tree);
      }
      return (scan.shared ? this.referencing : this.plain).pack(value);
    } catch (err) {
      throw serializationFailure(this.type, value, MSGPACK_RULES, err);
    }
  }

  /** {@link MsgpackSerializer.loads} without the base64 step. */
  loadsBytes(bytes: Uint8Array): unknown {
    if (bytes.byteLength === 0) {
      throw new DeserializationError({ serializerType: this.type, problem: "the data is empty" });
    }
    try {
      return this.referencing.unpack(bytes);
    } catch (err) {
      throw new DeserializationError(
        { serializerType: this.type, problem: `the bytes are not valid MessagePack (${describeCause(err)})` },
        { cause: err },
      );
    }
  }

  /** `{ type: "msgpack" }`. */
  toConfig(): MsgpackSerializerConfig {
    return { type: "msgpack" };
  }
}
