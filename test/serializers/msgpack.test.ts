import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Packr, unpack } from "msgpackr";
import { CAIRN_MSGPACK_EXTENSION_TYPE, MsgpackSerializer, SerializationError } from "../../src/serializers/index.js";

describe("MsgpackSerializer", () => {
  const s = new MsgpackSerializer();
  const roundTrip = (value: unknown): unknown => s.loads(s.dumps(value));

  it("writes standard MessagePack for plain data, readable by any msgpack reader", () => {
    const value = { a: 1, list: [1, "two", null], nested: { ok: true } };
    assert.deepEqual(unpack(Buffer.from(s.dumps(value), "base64")), value);
  });

  it("keeps -0 wherever it sits, as a standard float64", () => {
    const key = { k: 1 };
    const value = { n: -0, list: [0, -0], map: new Map<unknown, unknown>([[key, -0]]), set: new Set([{ z: -0 }]) };
    const back = roundTrip(value) as typeof value;
    assert.ok(Object.is(back.n, -0));
    assert.ok(Object.is(back.list[0], 0));
    assert.ok(Object.is(back.list[1], -0));
    assert.ok(Object.is([...back.map.values()][0], -0));
    assert.ok(Object.is(([...back.set][0] as { z: number }).z, -0));
    assert.ok(Object.is(unpack(s.dumpsBytes(-0)), -0), "a plain msgpack reader reads the same -0");
  });

  it("keeps nested Maps with object keys, and key identity across the value", () => {
    const key = { id: 1 };
    const value = { byKey: new Map<unknown, unknown>([[key, new Map([[key, "inner"]])]]), key };
    const back = roundTrip(value) as typeof value;
    const outerKey = [...back.byKey.keys()][0];
    assert.equal(outerKey, back.key);
    assert.equal([...(back.byKey.get(outerKey) as Map<unknown, unknown>).keys()][0], back.key);
  });

  it("keeps shared references and cycles together with rich values", () => {
    const error = new Error("shared");
    const node: Record<string, unknown> = { error, again: error, zero: -0, url: new URL("https://x.test/") };
    node.self = node;
    const back = roundTrip(node) as Record<string, unknown>;
    assert.equal(back.self, back);
    assert.equal(back.error, back.again);
    assert.ok(back.error instanceof Error);
    assert.equal((back.error as Error).stack, error.stack);
    assert.ok(Object.is(back.zero, -0));
    assert.ok(back.url instanceof URL);
  });

  it("keeps AggregateError errors and custom error names", () => {
    class NotFound extends Error {
      override name = "NotFound";
    }
    const error = new AggregateError([new NotFound("a"), new RangeError("b")], "many");
    const back = roundTrip(error) as AggregateError;
    assert.ok(back instanceof AggregateError);
    assert.equal(back.message, "many");
    assert.equal((back.errors[0] as Error).name, "NotFound");
    assert.ok(back.errors[1] instanceof RangeError);
  });

  it("reads holes of sparse arrays as undefined", () => {
    // eslint-disable-next-line no-sparse-arrays
    assert.deepEqual(roundTrip([1, , , 4]), [1, undefined, undefined, 4]);
  });

  it("writes class instances as plain objects, through toJSON() when they have one", () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    class Celsius {
      constructor(readonly degrees: number) {}
      toJSON(): string {
        return `${this.degrees}C`;
      }
    }
    assert.deepEqual(roundTrip({ p: new Point(1, 2), t: new Celsius(3) }), { p: { x: 1, y: 2 }, t: "3C" });
  });

  it("registers its extension for its own marker classes only", () => {
    new MsgpackSerializer(); // the extension is registered
    const other = new Packr({ structuredClone: true });
    const error = new Error("x");
    const bytes = other.pack(error);
    assert.equal(bytes[1], 0x65, "msgpackr's own error extension, not Cairn's");
    assert.notEqual(CAIRN_MSGPACK_EXTENSION_TYPE, 0x65);
    assert.notEqual((other.unpack(bytes) as Error).stack, error.stack);
    assert.deepEqual(other.unpack(other.pack({ a: -0 })), { a: 0 }, "other packers keep msgpackr's own behaviour");
  });

  it("refuses a function inside a class instance and a Map, naming the path", () => {
    class Job {
      handler = () => 1;
    }
    assert.throws(() => s.dumps({ jobs: [new Job()] }), /value\.jobs\[0\]\.handler is a function \(handler\)/);
    assert.throws(() => s.dumps({ m: new Map([["k", { f() {} }]]) }), /value\.m\.get\("k"\)\.f is a function/);
  });

  it("refuses a function on the rich path too (a -0 or an Error elsewhere)", () => {
    assert.throws(
      () => s.dumps({ zero: -0, items: [{ callback: () => 1 }] }),
      (err: unknown) => err instanceof SerializationError && err.path === "value.items[0].callback",
    );
  });

  it("refuses values it would otherwise write as {}", () => {
    assert.throws(() => s.dumps({ cache: new WeakMap() }), /value\.cache is a WeakMap/);
    assert.throws(() => s.dumps([Promise.resolve()]), /value\[0\] is a Promise/);
  });

  it("has no options: its config is its type", () => {
    assert.deepEqual(s.toConfig(), { type: "msgpack" });
  });

  it("handles large graphs with and without shared references", () => {
    const tags = ["a", "b"];
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: i, at: new Date(i), tags: i % 2 ? tags : ["c"] }));
    const back = roundTrip(rows) as typeof rows;
    assert.equal(back.length, rows.length);
    assert.equal(back[1]!.tags, back[3]!.tags);
    assert.deepEqual(back[19_999], rows[19_999]);
    const unshared = rows.map((r) => ({ ...r, tags: [...r.tags] }));
    assert.deepEqual(roundTrip(unshared), unshared);
  });

  it("handles a deeply nested value", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 500; i++) deep = { next: deep, zero: i === 250 ? -0 : i };
    assert.deepEqual(roundTrip(deep), deep);
  });
});
