import { ConfigurationError } from "../../errors/configuration-error.js";
import { dumpsToBytes, loadsFromBytes, type BytesSerializer } from "../bytes-serializer.js";
import { DeserializationError } from "../errors/deserialization-error.js";
import { decodeBase64, encodeBase64 } from "../internal/base64.js";
import { describeCause } from "../internal/describe-cause.js";
import { resolveInnerSerializer, type SerializerLike } from "../registry/inner-serializer.js";
import type { Serializer, SerializerConfig } from "../serializer.js";
import type { CompressionLib } from "./compression-lib.js";
import { DEFAULT_COMPRESSION_LIB, getCompressionLib } from "./compression-libs.js";

/**
 * The serializer a `CompressedSerializer` wraps when none is given.
 * @default "msgpack"
 */
export const DEFAULT_INNER_SERIALIZER = "msgpack";

/** Options of the {@link CompressedSerializer}. */
export interface CompressedSerializerOptions {
  /**
   * The serializer whose output is compressed: an instance, a type string or a config.
   * @default "msgpack"
   */
  serializer?: SerializerLike | undefined;
  /**
   * `"zlib"`, `"gzip"`, `"brotli"`, `"zstd"`, or a name given to `registerCompressionLib`.
   * @default "zstd"
   */
  compressionlib?: string | undefined;
  /**
   * The compression level (brotli: quality); stored in the configuration.
   * @default the library's default (zstd 3, zlib/gzip 6, brotli 5)
   */
  level?: number | undefined;
}

/** The stored configuration of a {@link CompressedSerializer}. */
export interface CompressedSerializerConfig extends SerializerConfig {
  type: "compressed";
  /** The wrapped serializer's full configuration. */
  serializer: SerializerConfig;
  compressionlib: string;
  level?: number;
}

/**
 * Compresses another serializer's output. The stored text is base64 of the compressed
 * bytes; a binary inner serializer hands over raw bytes, so nothing is base64-encoded twice.
 * The shorthand types `"compressed/json"`, `"compressed/msgpack"`, ... use zstd.
 *
 * @example
 * ```ts
 * const s = new CompressedSerializer({ serializer: "json", compressionlib: "gzip" });
 * const text = await s.dumps(bigValue);
 * s.toConfig(); // { type: "compressed", serializer: { type: "json", ... }, compressionlib: "gzip" }
 * ```
 */
export class CompressedSerializer implements BytesSerializer {
  /** Always `"compressed"`. */
  readonly type = "compressed";
  /** How `dumps` text relates to `dumpsBytes` bytes. */
  readonly dataEncoding = "base64" as const;
  /** The wrapped serializer. */
  readonly serializer: Serializer;
  /** The name of the compression library. */
  readonly compressionlib: string;
  /** The configured level, if any. */
  readonly level: number | undefined;
  private readonly lib: CompressionLib;

  constructor(options: CompressedSerializerOptions = {}) {
    this.serializer = resolveInnerSerializer(options.serializer ?? DEFAULT_INNER_SERIALIZER);
    this.compressionlib = options.compressionlib ?? DEFAULT_COMPRESSION_LIB;
    this.lib = getCompressionLib(this.compressionlib);
    this.level = options.level;
    if (this.level !== undefined) {
      const range = this.lib.levels;
      if (
        typeof this.level !== "number" ||
        !Number.isInteger(this.level) ||
        (range !== undefined && (this.level < range.min || this.level > range.max))
      ) {
        const allowed = range === undefined ? "a whole number" : `a whole number from ${range.min} to ${range.max}`;
        throw new ConfigurationError(
          `Invalid compressed serializer option \`level\`: ${JSON.stringify(options.level)}. ` +
            `"${this.compressionlib}" takes ${allowed}.`,
        );
      }
    }
  }

  /**
   * Builds a serializer from its stored configuration.
   * @throws ConfigurationError naming the missing or invalid field
   */
  static fromConfig(config: SerializerConfig, resolve: (x: SerializerLike) => Serializer = resolveInnerSerializer): CompressedSerializer {
    const inner = config.serializer;
    if (typeof inner !== "string" && (typeof inner !== "object" || inner === null)) {
      throw new ConfigurationError(
        "Invalid compressed serializer config: `serializer` must be the wrapped serializer's config " +
          `(e.g. { "type": "json" }) or type string, got ${JSON.stringify(inner) ?? "undefined"}.`,
      );
    }
    if (config.compressionlib !== undefined && typeof config.compressionlib !== "string") {
      throw new ConfigurationError(
        `Invalid compressed serializer config: \`compressionlib\` must be a library name, got ${JSON.stringify(config.compressionlib)}.`,
      );
    }
    return new CompressedSerializer({
      serializer: resolve(inner as SerializerLike),
      compressionlib: config.compressionlib,
      level: config.level as number | undefined,
    });
  }

  /** Serializes with the wrapped serializer, compresses, and returns base64 text. */
  async dumps(value: unknown): Promise<string> {
    return encodeBase64(await this.dumpsBytes(value));
  }

  /**
   * Reads text written by {@link CompressedSerializer.dumps}.
   * @throws DeserializationError for text that is not base64 or bytes that do not decompress
   */
  async loads(serialized: string): Promise<unknown> {
    const bytes = decodeBase64(serialized);
    if (bytes === undefined) {
      throw new DeserializationError({ serializerType: this.type, problem: "the text is not valid base64" });
    }
    return this.loadsBytes(bytes);
  }

  /** The compressed bytes. */
  async dumpsBytes(value: unknown): Promise<Uint8Array> {
    const raw = await dumpsToBytes(this.serializer, value);
    return this.lib.compress(raw, this.level);
  }

  /** Reads compressed bytes. */
  async loadsBytes(bytes: Uint8Array): Promise<unknown> {
    let raw: Uint8Array;
    try {
      raw = await this.lib.decompress(bytes);
    } catch (err) {
      throw new DeserializationError(
        {
          serializerType: this.type,
          problem: `the data does not decompress with "${this.compressionlib}" (${describeCause(err)})`,
        },
        { cause: err },
      );
    }
    return loadsFromBytes(this.serializer, raw);
  }

  /** `{ type: "compressed", serializer: <inner config>, compressionlib, level? }`. */
  toConfig(): CompressedSerializerConfig {
    const config: CompressedSerializerConfig = {
      type: "compressed",
      serializer: this.serializer.toConfig(),
      compressionlib: this.compressionlib,
    };
    if (this.level !== undefined) config.level = this.level;
    return config;
  }
}
