/**
 * The contract every serializer meets, run against each implementation by
 * contract.test.ts. Capabilities a format does not have are declared, not skipped silently.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DeserializationError,
  SerializationError,
  resolveSerializer,
  type Serializer,
} from "../../src/serializers/index.js";

/** What a serializer keeps beyond plain JSON. */
export interface Capabilities {
  /** Output is JSON text (else base64). */
  text: boolean;
  /** Cycles and shared references are kept (else cycles are refused). */
  references: boolean;
  /** Errors keep their stack. */
  errorStack: boolean;
  /** Errors keep their own fields (e.g. `code`). */
  errorFields: boolean;
  /** Custom error class names survive (as `name`). */
  errorName: boolean;
  /** URLs come back as URLs. */
  url: boolean;
  /** Object properties whose value is undefined keep their key. */
  undefinedProperties: boolean;
  /** Class instances are stored as plain objects (else refused). */
  classInstancesAsPlain: boolean;
}

export interface ContractOptions {
  /** Names the suite. */
  name: string;
  /** A fresh serializer. */
  create: () => Serializer;
  /** The `type` the serializer reports; the serializer error messages name it. */
  type: string;
  /** The type error messages name for a value the format cannot hold (the inner one for wrappers). */
  failingType?: string;
  capabilities: Capabilities;
}

async function roundTrip(s: Serializer, value: unknown): Promise<unknown> {
  const text = await s.dumps(value);
  assert.equal(typeof text, "string");
  return s.loads(text);
}

/** Runs the contract suite for one serializer. */
export function runSerializerContract(options: ContractOptions): void {
  const { create, capabilities: can } = options;
  const failingType = options.failingType ?? options.type;

  describe(`Serializer contract: ${options.name}`, () => {
    it("reports its type and a JSON-able config with that type", () => {
      const s = create();
      assert.equal(s.type, options.type);
      const config = s.toConfig();
      assert.equal(config.type, options.type);
      assert.deepEqual(JSON.parse(JSON.stringify(config)), config);
    });

    it("round-trips plain JSON values", async () => {
      const s = create();
      const values: unknown[] = [
        null,
        true,
        false,
        0,
        42,
        -7.5,
        1e300,
        Number.MAX_SAFE_INTEGER,
        "",
        "hello",
        "unicode: żółw 🐢 \u0000 \u2028",
        [],
        {},
        [1, "two", null, [3], { four: 4 }],
        { a: 1, b: { c: [true, false, null] }, "key with spaces": "x", "": "empty key" },
        "x".repeat(100_000),
      ];
      for (const value of values) assert.deepEqual(await roundTrip(s, value), value);
    });

    it("writes the form a result blob's data field holds", async () => {
      const s = create();
      const text = await s.dumps({ a: 1, list: [1, 2, 3] });
      if (can.text) assert.deepEqual(JSON.parse(text), { a: 1, list: [1, 2, 3] });
      else assert.match(text, /^[A-Za-z0-9+/]*={0,2}$/);
    });

    it("is rebuilt from its config by resolveSerializer and reads its own output", async () => {
      const s = create();
      const value = { when: new Date(1_700_000_000_000), n: 3n, tags: new Set(["a"]) };
      const text = await s.dumps(value);
      const rebuilt = resolveSerializer(JSON.parse(JSON.stringify(s.toConfig())) as { type: string });
      assert.equal(rebuilt.type, s.type);
      assert.deepEqual(await rebuilt.loads(text), value);
    });

    it("round-trips Date, BigInt, Map (object keys), Set", async () => {
      const s = create();
      const key = { id: 1 };
      const value = {
        when: new Date("2024-05-01T12:00:00.123Z"),
        big: 2n ** 100n,
        negative: -(2n ** 70n),
        small: 5n,
        map: new Map<unknown, unknown>([
          ["a", 1],
          [2, "two"],
          [key, new Map([["nested", new Set([1, 2])]])],
        ]),
        set: new Set<unknown>([1, "a", { b: 2 }]),
      };
      const back = (await roundTrip(s, value)) as typeof value;
      assert.deepEqual(back, value);
      assert.ok(back.when instanceof Date);
      assert.deepEqual([...back.map.keys()][2], key);
      const invalid = await roundTrip(s, new Date(Number.NaN));
      assert.ok(invalid instanceof Date && Number.isNaN(invalid.getTime()));
    });

    it("round-trips Buffer, Uint8Array, the other typed arrays, ArrayBuffer and DataView", async () => {
      const s = create();
      const value = {
        buffer: Buffer.from("hello"),
        bytes: new Uint8Array([0, 1, 254, 255]),
        clamped: new Uint8ClampedArray([0, 255]),
        i8: new Int8Array([-128, 127]),
        i16: new Int16Array([-32768, 32767]),
        u16: new Uint16Array([65535]),
        i32: new Int32Array([-(2 ** 31)]),
        u32: new Uint32Array([2 ** 32 - 1]),
        f32: new Float32Array([1.5, -0.25]),
        f64: new Float64Array([Math.PI, Number.NEGATIVE_INFINITY, -0]),
        i64: new BigInt64Array([-(2n ** 63n)]),
        u64: new BigUint64Array([2n ** 64n - 1n]),
        arrayBuffer: new Uint8Array([9, 8, 7]).buffer,
        view: new DataView(new Uint8Array([1, 2, 3, 4]).buffer),
        offsetView: new Float64Array(new Float64Array([1, 2, 3]).buffer, 8, 1),
      };
      const back = (await roundTrip(s, value)) as typeof value;
      assert.ok(Buffer.isBuffer(back.buffer));
      assert.deepEqual(back, { ...value, offsetView: new Float64Array([2]) });
      assert.ok(Object.is(back.f64[2], -0));
      const nan = (await roundTrip(s, new Float64Array([Number.NaN]))) as Float64Array;
      assert.ok(nan instanceof Float64Array && Number.isNaN(nan[0]));
    });

    it("round-trips RegExp and URL", async () => {
      const s = create();
      const back = (await roundTrip(s, { re: /a+b\/c/gimsuy, url: new URL("https://example.com/a?b=1#c") })) as {
        re: RegExp;
        url: unknown;
      };
      assert.equal(back.re.source, "a+b\\/c");
      assert.equal(back.re.flags, "gimsuy");
      if (can.url) {
        assert.ok(back.url instanceof URL);
        assert.equal(back.url.href, "https://example.com/a?b=1#c");
      }
    });

    it("round-trips Errors: class, message, cause and own fields", async () => {
      const s = create();
      const cause = new RangeError("inner");
      const error = new TypeError("outer", { cause });
      (error as TypeError & { code?: string }).code = "E_OUTER";
      const back = (await roundTrip(s, { error })) as { error: TypeError & { code?: string } };
      assert.ok(back.error instanceof TypeError);
      assert.equal(back.error.message, "outer");
      assert.ok(back.error.cause instanceof RangeError);
      assert.equal((back.error.cause as Error).message, "inner");
      if (can.errorStack) assert.equal(back.error.stack, error.stack);
      if (can.errorFields) assert.equal(back.error.code, "E_OUTER");
      class ValidationError extends Error {
        override name = "ValidationError";
      }
      const custom = (await roundTrip(s, new ValidationError("bad input"))) as Error;
      assert.ok(custom instanceof Error);
      assert.equal(custom.message, "bad input");
      if (can.errorName) assert.equal(custom.name, "ValidationError");
    });

    it("keeps undefined, NaN, ±Infinity and -0", async () => {
      const s = create();
      assert.equal(await roundTrip(s, undefined), undefined);
      const back = (await roundTrip(s, [undefined, Number.NaN, Infinity, -Infinity, -0, 0])) as number[];
      assert.equal(back.length, 6);
      assert.equal(back[0], undefined);
      assert.ok(Number.isNaN(back[1]));
      assert.equal(back[2], Infinity);
      assert.equal(back[3], -Infinity);
      assert.ok(Object.is(back[4], -0), "-0 survives");
      assert.ok(Object.is(back[5], 0));
      assert.ok(Object.is(await roundTrip(s, -0), -0));
      const object = (await roundTrip(s, { gone: undefined, kept: 1 })) as Record<string, unknown>;
      assert.equal(object.gone, undefined);
      assert.equal("gone" in object, can.undefinedProperties);
    });

    it("reads sparse arrays back with their length", async () => {
      const s = create();
      // eslint-disable-next-line no-sparse-arrays
      const back = (await roundTrip(s, [1, , 3])) as unknown[];
      assert.equal(back.length, 3);
      assert.equal(back[1], undefined);
      assert.equal(back[2], 3);
    });

    it(can.references ? "keeps cycles and shared references" : "refuses cycles, naming the path", async () => {
      const s = create();
      const node: Record<string, unknown> = { name: "root", children: [] as unknown[] };
      (node.children as unknown[]).push({ parent: node });
      if (can.references) {
        const back = (await roundTrip(s, node)) as { children: Array<{ parent: unknown }> };
        assert.equal(back.children[0]!.parent, back);
        const shared = { x: 1 };
        const pair = (await roundTrip(s, [shared, shared])) as unknown[];
        assert.equal(pair[0], pair[1]);
        const map = new Map<string, unknown>();
        map.set("self", map);
        const backMap = (await roundTrip(s, map)) as Map<string, unknown>;
        assert.equal(backMap.get("self"), backMap);
      } else {
        await assert.rejects(
          async () => s.dumps(node),
          (err: unknown) => {
            assert.ok(err instanceof SerializationError);
            assert.match(err.message, /value\.children\[0\]\.parent is a circular reference to value/);
            assert.match(err.message, /msgpack/);
            return true;
          },
        );
      }
    });

    it(
      can.classInstancesAsPlain ? "stores class instances as plain objects" : "refuses unregistered class instances",
      async () => {
        const s = create();
        class Point {
          constructor(
            readonly x: number,
            readonly y: number,
          ) {}
        }
        if (can.classInstancesAsPlain) {
          assert.deepEqual(await roundTrip(s, { p: new Point(1, 2) }), { p: { x: 1, y: 2 } });
        } else {
          await assert.rejects(async () => s.dumps({ p: new Point(1, 2) }), /value\.p is an instance of class Point/);
        }
      },
    );

    it("refuses a function, naming the serializer, the path and a way out", async () => {
      const s = create();
      const value = { items: [1, 2, 3, { callback: () => 1 }] };
      await assert.rejects(
        async () => s.dumps(value),
        (err: unknown) => {
          assert.ok(err instanceof SerializationError);
          assert.equal(err.code, "SERIALIZATION_ERROR");
          assert.equal(err.path, "value.items[3].callback");
          assert.ok(err.message.includes(`"${failingType}" serializer`), err.message);
          assert.ok(err.message.includes("value.items[3].callback is a function"), err.message);
          assert.ok(err.message.includes("persistResult: false"), err.message);
          return true;
        },
      );
    });

    it("refuses symbols, weak collections and promises", async () => {
      const s = create();
      const cases: Array<[unknown, RegExp]> = [
        [{ s: Symbol("tag") }, /value\.s is a symbol \(Symbol\(tag\)\)/],
        [{ list: [new WeakMap()] }, /value\.list\[0\] is a WeakMap/],
        [new Map([["k", new WeakSet()]]), /value\.get\("k"\) is a WeakSet/],
        [{ pending: Promise.resolve(1) }, /value\.pending is a Promise \(await it/],
      ];
      for (const [value, message] of cases) {
        await assert.rejects(async () => s.dumps(value), (err: unknown) => {
          assert.ok(err instanceof SerializationError);
          assert.match(err.message, message);
          return true;
        });
      }
    });

    it("refuses corrupt data with a DeserializationError naming the serializer", async () => {
      const s = create();
      const good = await s.dumps({ a: "some text that is long enough to truncate", b: [1, 2, 3] });
      const corrupt = [good.slice(0, Math.floor(good.length / 2)), "%%% not data %%%", "", `${good}garbage!`];
      for (const text of corrupt) {
        await assert.rejects(
          async () => s.loads(text),
          (err: unknown) => {
            assert.ok(err instanceof DeserializationError, `${JSON.stringify(text.slice(0, 30))}: ${String(err)}`);
            assert.equal(err.code, "DESERIALIZATION_ERROR");
            assert.match(err.message, /serializer could not read the data/);
            return true;
          },
        );
      }
    });
  });
}
