import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gunzipSync, inflateSync, brotliDecompressSync } from "node:zlib";
import { decompress as zstdDecompress } from "zstd-napi";
import { ConfigurationError } from "../../src/errors/configuration-error.js";
import {
  CompressedSerializer,
  DeserializationError,
  JSONSerializer,
  MsgpackSerializer,
  compressionLibNames,
  registerCompressionLib,
  resolveSerializer,
  unregisterCompressionLib,
  type Serializer,
} from "../../src/serializers/index.js";

const DECOMPRESS: Record<string, (b: Buffer) => Buffer> = {
  zlib: inflateSync,
  gzip: gunzipSync,
  brotli: brotliDecompressSync,
  zstd: zstdDecompress,
};

function largeValue(): Record<string, unknown> {
  return {
    series: Float64Array.from({ length: 200_000 }, (_, i) => Math.round(Math.sin(i / 40) * 1000) / 10),
    rows: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `row-${i}`, at: new Date(i * 1000) })),
  };
}

describe("CompressedSerializer", () => {
  for (const compressionlib of ["zlib", "gzip", "brotli", "zstd"]) {
    it(`round-trips large data with ${compressionlib}, storing base64 of the compressed inner bytes`, async () => {
      const inner = new MsgpackSerializer();
      const s = new CompressedSerializer({ serializer: inner, compressionlib });
      const value = largeValue();
      const text = await s.dumps(value);
      assert.deepEqual(await s.loads(text), value);
      // Not base64 twice: the compressed bytes decompress to the inner serializer's raw bytes.
      const raw = DECOMPRESS[compressionlib]!(Buffer.from(text, "base64"));
      assert.deepEqual(raw, Buffer.from(inner.dumpsBytes(value)));
      assert.ok(text.length < inner.dumps(value).length / 2, "compresses");
    });
  }

  it("compresses the UTF-8 JSON text of a text serializer", async () => {
    const s = new CompressedSerializer({ serializer: "json", compressionlib: "gzip" });
    const text = await s.dumps({ a: 1 });
    assert.equal(gunzipSync(Buffer.from(text, "base64")).toString("utf8"), '{"a":1}');
  });

  it("stores the inner serializer's full config and the library", () => {
    const s = new CompressedSerializer({ serializer: new JSONSerializer({ indent: 2 }), compressionlib: "brotli", level: 9 });
    assert.deepEqual(s.toConfig(), {
      type: "compressed",
      serializer: { type: "json", undefinedProperties: "omit", indent: 2 },
      compressionlib: "brotli",
      level: 9,
    });
  });

  it("defaults to msgpack compressed with zstd", () => {
    assert.deepEqual(new CompressedSerializer().toConfig(), {
      type: "compressed",
      serializer: { type: "msgpack" },
      compressionlib: "zstd",
    });
  });

  it("wraps a serializer without the bytes fast path through its text", async () => {
    const upper: Serializer = {
      type: "upper",
      dumps: (v) => String(v).toUpperCase(),
      loads: (t) => t.toLowerCase(),
      toConfig: () => ({ type: "upper" }),
    };
    const s = new CompressedSerializer({ serializer: upper, compressionlib: "zlib" });
    assert.equal(await s.loads(await s.dumps("hello")), "hello");
  });

  it("uses a registered custom compression library, also when rebuilt from config", async () => {
    const calls: string[] = [];
    registerCompressionLib("test-reverse", {
      compress: (b) => {
        calls.push("compress");
        return Buffer.from(b).reverse();
      },
      decompress: async (b) => {
        calls.push("decompress");
        return Buffer.from(b).reverse();
      },
    });
    try {
      assert.ok(compressionLibNames().includes("test-reverse"));
      const s = new CompressedSerializer({ serializer: "json", compressionlib: "test-reverse" });
      const text = await s.dumps({ a: [1, 2] });
      assert.equal(Buffer.from(text, "base64").reverse().toString(), '{"a":[1,2]}');
      const rebuilt = resolveSerializer(s.toConfig());
      assert.deepEqual(await rebuilt.loads(text), { a: [1, 2] });
      assert.deepEqual(calls, ["compress", "decompress"]);
    } finally {
      unregisterCompressionLib("test-reverse");
    }
  });

  it("refuses bad libraries, names and levels where they are given", () => {
    assert.throws(() => new CompressedSerializer({ compressionlib: "lz5" }), (err: unknown) => {
      assert.ok(err instanceof ConfigurationError);
      assert.match(err.message, /Unknown compression library "lz5"\. Known: zlib, gzip, brotli, zstd/);
      assert.match(err.message, /registerCompressionLib/);
      return true;
    });
    assert.throws(() => new CompressedSerializer({ compressionlib: "zstd", level: 99 }), /`level`: 99\. "zstd" takes a whole number from -131072 to 22/);
    assert.throws(() => new CompressedSerializer({ compressionlib: "brotli", level: 1.5 }), /`level`/);
    assert.throws(() => registerCompressionLib("gzip", { compress: (b) => b, decompress: (b) => b }), /built in/);
    assert.throws(() => registerCompressionLib("x", {} as never), /compress\(bytes\) and decompress\(bytes\)/);
  });

  it("refuses data that does not decompress, naming the library", async () => {
    const s = new CompressedSerializer({ serializer: "json", compressionlib: "gzip" });
    await assert.rejects(
      s.loads(Buffer.from("definitely not gzip").toString("base64")),
      (err: unknown) => {
        assert.ok(err instanceof DeserializationError);
        assert.match(err.message, /"compressed" serializer could not read the data: the data does not decompress with "gzip"/);
        return true;
      },
    );
  });

  it("passes the inner serializer's errors through, naming the inner serializer", async () => {
    const s = resolveSerializer("compressed/json");
    await assert.rejects(async () => s.dumps({ f: () => 1 }), /"json" serializer: value\.f is a function/);
  });
});
