import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigurationError } from "../../src/errors/configuration-error.js";
import {
  CompressedSerializer,
  DEFAULT_SERIALIZER_TYPE,
  JSONSerializer,
  MsgpackSerializer,
  SerializerRegistry,
  V8Serializer,
  registerSerializer,
  resolveSerializer,
  unregisterSerializer,
  type Serializer,
  type SerializerConfig,
} from "../../src/serializers/index.js";

/** A custom serializer: prefixes JSON text, has one option. */
class TaggedJson implements Serializer {
  readonly type = "tagged-json";
  constructor(readonly prefix = "v1:") {}
  dumps(value: unknown): string {
    return this.prefix + JSON.stringify(value);
  }
  loads(text: string): unknown {
    return JSON.parse(text.slice(this.prefix.length)) as unknown;
  }
  toConfig(): SerializerConfig {
    return { type: this.type, prefix: this.prefix };
  }
}

describe("resolveSerializer", () => {
  it("returns an instance as is", () => {
    const s = new JSONSerializer();
    assert.equal(resolveSerializer(s), s);
  });

  it("builds default instances from type strings", () => {
    assert.ok(resolveSerializer("json") instanceof JSONSerializer);
    assert.ok(resolveSerializer("msgpack") instanceof MsgpackSerializer);
    assert.ok(resolveSerializer("v8") instanceof V8Serializer);
    assert.ok(resolveSerializer(DEFAULT_SERIALIZER_TYPE) instanceof MsgpackSerializer);
    assert.deepEqual(resolveSerializer("compressed").toConfig(), {
      type: "compressed",
      serializer: { type: "msgpack" },
      compressionlib: "zstd",
    });
    for (const inner of ["json", "msgpack", "v8"]) {
      const s = resolveSerializer(`compressed/${inner}`);
      assert.ok(s instanceof CompressedSerializer);
      assert.equal(s.serializer.type, inner);
      assert.equal(s.compressionlib, "zstd");
    }
  });

  it("builds configured instances from blob configs, nested ones included", async () => {
    const config = {
      type: "compressed",
      serializer: { type: "compressed", serializer: { type: "json", indent: 2 }, compressionlib: "gzip" },
      compressionlib: "zstd",
      level: 5,
    };
    const s = resolveSerializer(config);
    assert.deepEqual(s.toConfig(), {
      ...config,
      serializer: { ...config.serializer, serializer: { type: "json", indent: 2, undefinedProperties: "omit" } },
    });
    assert.deepEqual(await s.loads(await s.dumps({ a: [1] })), { a: [1] });
    assert.equal(resolveSerializer({ type: "compressed/json", compressionlib: "brotli" }).toConfig().compressionlib, "brotli");
  });

  it("round-trips every built-in config through JSON", () => {
    const serializers = [
      new JSONSerializer({ undefinedProperties: "keep" }),
      new MsgpackSerializer(),
      new V8Serializer(),
      new CompressedSerializer({ serializer: "v8", compressionlib: "brotli", level: 3 }),
    ];
    for (const s of serializers) {
      const config = JSON.parse(JSON.stringify(s.toConfig())) as SerializerConfig;
      assert.deepEqual(resolveSerializer(config).toConfig(), s.toConfig());
    }
  });

  it("refuses an unknown type, listing the known ones and how to register", () => {
    assert.throws(
      () => resolveSerializer("yaml"),
      (err: unknown) => {
        assert.ok(err instanceof ConfigurationError);
        assert.match(err.message, /Unknown serializer type "yaml"\. Known types: json, msgpack, v8, compressed/);
        assert.match(err.message, /registerSerializer\(type/);
        return true;
      },
    );
    assert.throws(() => resolveSerializer("compressed/yaml"), /Unknown serializer type "yaml"/);
    assert.throws(() => resolveSerializer({ type: "pickle" }), /Unknown serializer type "pickle"/);
  });

  it("refuses bad configs, naming the field", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ type: "json", indent: "two" }, /`indent`/],
      [{ type: "json", undefinedProperties: 1 }, /`undefinedProperties`/],
      [{ type: "compressed" }, /`serializer` must be the wrapped serializer's config/],
      [{ type: "compressed", serializer: { type: "json" }, compressionlib: 7 }, /`compressionlib` must be a library name/],
      [{ type: "compressed", serializer: { type: "json" }, compressionlib: "lzma" }, /Unknown compression library "lzma"/],
      [{ type: "compressed", serializer: { type: "json" }, level: "high" }, /`level`/],
      [{ type: 3 }, /config object with a `type`/],
      [42, /Cannot resolve a serializer from number 42/],
      [null, /Cannot resolve a serializer from null/],
    ];
    for (const [config, message] of cases) {
      assert.throws(() => resolveSerializer(config as SerializerConfig), (err: unknown) => {
        assert.ok(err instanceof ConfigurationError, String(err));
        assert.match(err.message, message);
        return true;
      });
    }
  });
});

describe("registerSerializer", () => {
  it("resolves a custom type from its string, its config and compressed/<type>", async () => {
    registerSerializer("tagged-json", (config) => new TaggedJson(config.prefix as string | undefined));
    try {
      const plain = resolveSerializer("tagged-json");
      assert.equal(plain.dumps([1]), "v1:[1]");
      const configured = resolveSerializer({ type: "tagged-json", prefix: "v2:" });
      assert.equal(configured.dumps([1]), "v2:[1]");
      const compressed = resolveSerializer("compressed/tagged-json");
      assert.deepEqual(compressed.toConfig().serializer, { type: "tagged-json", prefix: "v1:" });
      assert.deepEqual(await compressed.loads(await compressed.dumps({ a: 1 })), { a: 1 });
      const rebuilt = resolveSerializer(JSON.parse(JSON.stringify(compressed.toConfig())) as SerializerConfig);
      assert.deepEqual(await rebuilt.loads(await compressed.dumps("x")), "x");
    } finally {
      assert.equal(unregisterSerializer("tagged-json"), true);
    }
    assert.throws(() => resolveSerializer("tagged-json"), /Unknown serializer type/);
  });

  it("refuses built-in and malformed type names and non-function factories", () => {
    assert.throws(() => registerSerializer("json", () => new JSONSerializer()), /built in/);
    assert.throws(() => registerSerializer("compressed/x", () => new JSONSerializer()), /Cannot register serializer type/);
    assert.throws(() => registerSerializer("Bad Name", () => new JSONSerializer()), /Cannot register serializer type/);
    assert.throws(() => registerSerializer("ok", "nope" as never), /factory must be a function/);
  });

  it("refuses a factory that does not return a serializer", () => {
    const registry = new SerializerRegistry();
    registry.register("broken", () => ({}) as Serializer);
    assert.throws(() => registry.resolve("broken"), /factory of serializer type "broken" returned an object/);
  });

  it("keeps registries apart: a custom registry does not change the default one", () => {
    const registry = new SerializerRegistry();
    registry.register("tagged-json", () => new TaggedJson());
    assert.equal(registry.resolve("compressed/tagged-json").type, "compressed");
    assert.ok(registry.types().includes("tagged-json"));
    assert.throws(() => resolveSerializer("tagged-json"), /Unknown serializer type/);
  });
});
