import { ConfigurationError } from "../../errors/configuration-error.js";
import { CompressedSerializer, DEFAULT_INNER_SERIALIZER } from "../compressed/compressed-serializer.js";
import { JSONSerializer } from "../json/json-serializer.js";
import { MsgpackSerializer } from "../msgpack/msgpack-serializer.js";
import type { Serializer, SerializerConfig } from "../serializer.js";
import { V8Serializer } from "../v8/v8-serializer.js";
import { bindSerializerResolver, isSerializer, type SerializerLike } from "./inner-serializer.js";

/**
 * Builds a serializer from its configuration (`{ type }` alone for a type string).
 * `registry` resolves nested serializer configs.
 */
export type SerializerFactory = (config: SerializerConfig, registry: SerializerRegistry) => Serializer;

/**
 * The serializer of `CAIRN_RESULTS_DEFAULT_SERIALIZER` when unset, chosen by measurement
 * (docs/serializers.md).
 * @default "msgpack"
 */
export const DEFAULT_SERIALIZER_TYPE = "msgpack";

const COMPRESSED_PREFIX = "compressed/";
const TYPE = /^[a-z][a-z0-9._-]*$/;

const BUILT_INS: ReadonlyMap<string, SerializerFactory> = new Map<string, SerializerFactory>([
  ["json", (config) => JSONSerializer.fromConfig(config)],
  ["msgpack", (config) => MsgpackSerializer.fromConfig(config)],
  ["v8", (config) => V8Serializer.fromConfig(config)],
  ["compressed", (config, registry) => CompressedSerializer.fromConfig(config, (x) => registry.resolve(x))],
]);

/**
 * Serializer types and how to build them. `resolve` turns an instance, a type string or a
 * stored configuration into a serializer. Most code uses the default registry through
 * {@link resolveSerializer} and {@link registerSerializer}.
 *
 * @example
 * ```ts
 * const registry = new SerializerRegistry();
 * registry.register("yaml", () => new YamlSerializer());
 * registry.resolve("compressed/yaml");
 * ```
 */
export class SerializerRegistry {
  private readonly factories = new Map<string, SerializerFactory>(BUILT_INS);

  /**
   * Registers a custom serializer type; its instances must report this `type` and a
   * `toConfig()` the factory can rebuild them from.
   * @throws ConfigurationError for a built-in or malformed type
   */
  register(type: string, factory: SerializerFactory): void {
    if (typeof type !== "string" || !TYPE.test(type)) {
      throw new ConfigurationError(
        `Cannot register serializer type ${JSON.stringify(type)}: use lowercase letters, digits, ".", "_" and "-", ` +
          'starting with a letter (no "/": "compressed/<type>" is derived automatically).',
      );
    }
    if (BUILT_INS.has(type)) {
      throw new ConfigurationError(`Cannot register serializer type "${type}": it is built in. Choose another type name.`);
    }
    if (typeof factory !== "function") {
      throw new ConfigurationError(
        `Cannot register serializer type "${type}": the factory must be a function (config) => Serializer.`,
      );
    }
    this.factories.set(type, factory);
  }

  /** Removes a custom type; returns whether it was registered. */
  unregister(type: string): boolean {
    return !BUILT_INS.has(type) && this.factories.delete(type);
  }

  /** The known types, built-in first. `"compressed/<type>"` works for each. */
  types(): string[] {
    return [...this.factories.keys()];
  }

  /**
   * A serializer from an instance (returned as is), a type string (`"json"`,
   * `"compressed/json"`, a registered type) or a stored configuration.
   * @throws ConfigurationError for an unknown type or an invalid configuration
   */
  resolve(x: SerializerLike): Serializer {
    if (isSerializer(x)) return x;
    if (typeof x === "string") {
      const type = x.trim();
      // The bare type names the default compressed serializer; a stored config must be complete.
      return this.build(type === "compressed" ? { type, serializer: DEFAULT_INNER_SERIALIZER } : { type });
    }
    if (typeof x === "object" && x !== null && typeof (x as SerializerConfig).type === "string") {
      return this.build(x);
    }
    throw new ConfigurationError(
      `Cannot resolve a serializer from ${describe(x)}: pass a Serializer instance, a type string ` +
        `(${this.types().map((t) => `"${t}"`).join(", ")}, "compressed/<type>"), or a config object with a \`type\`.`,
    );
  }

  private build(config: SerializerConfig): Serializer {
    const { type } = config;
    if (type.startsWith(COMPRESSED_PREFIX)) {
      const inner = type.slice(COMPRESSED_PREFIX.length);
      return this.build({ ...config, type: "compressed", serializer: config.serializer ?? inner });
    }
    const factory = this.factories.get(type);
    if (factory === undefined) {
      throw new ConfigurationError(
        `Unknown serializer type "${type}". Known types: ${this.types().join(", ")}, and "compressed/<type>" for each. ` +
          "Register a custom one with registerSerializer(type, (config) => serializer).",
      );
    }
    const serializer = factory(config, this);
    if (!isSerializer(serializer)) {
      throw new ConfigurationError(
        `The factory of serializer type "${type}" returned ${describe(serializer)}, not a Serializer ` +
          "(an object with type, dumps, loads and toConfig).",
      );
    }
    return serializer;
  }
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return Array.isArray(x) ? "an array" : "an object without a string `type`";
  return `${typeof x} ${String(x)}`;
}

/** The registry behind {@link resolveSerializer} and {@link registerSerializer}. */
export const defaultSerializerRegistry = new SerializerRegistry();

bindSerializerResolver((x) => defaultSerializerRegistry.resolve(x));

/**
 * A serializer from an instance (returned as is), a type string, or a configuration found
 * in a result blob.
 *
 * @example
 * ```ts
 * resolveSerializer("json");                       // new JSONSerializer()
 * resolveSerializer("compressed/msgpack");         // msgpack, zstd-compressed
 * resolveSerializer(blob.serializer);              // e.g. { type: "compressed", serializer: { type: "json" }, compressionlib: "zstd" }
 * const value = await resolveSerializer(blob.serializer).loads(blob.data);
 * ```
 * @throws ConfigurationError listing the known types for an unknown one, or naming the invalid field
 */
export function resolveSerializer(x: SerializerLike): Serializer {
  return defaultSerializerRegistry.resolve(x);
}

/**
 * Registers a custom serializer type with the default registry, so that type strings and
 * blobs naming it resolve. Register it in every process that reads such blobs.
 *
 * @example
 * ```ts
 * class YamlSerializer implements Serializer {
 *   readonly type = "yaml";
 *   dumps(value: unknown) { return YAML.stringify(value); }
 *   loads(text: string) { return YAML.parse(text); }
 *   toConfig() { return { type: "yaml" }; }
 * }
 * registerSerializer("yaml", () => new YamlSerializer());
 * flow({ resultSerializer: "compressed/yaml" }, ...);
 * ```
 */
export function registerSerializer(type: string, factory: SerializerFactory): void {
  defaultSerializerRegistry.register(type, factory);
}

/**
 * Removes a type registered with {@link registerSerializer}; returns whether there was one.
 *
 * @example
 * ```ts
 * unregisterSerializer("yaml"); // true
 * ```
 */
export function unregisterSerializer(type: string): boolean {
  return defaultSerializerRegistry.unregister(type);
}
