import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DeserializationError,
  JSONSerializer,
  JsonClassRegistry,
  SerializationError,
  jsonTag,
  registerJsonClass,
  unregisterJsonClass,
} from "../../src/serializers/index.js";

class Money {
  constructor(
    readonly cents: number,
    readonly currency: string,
  ) {}
  format(): string {
    return `${(this.cents / 100).toFixed(2)} ${this.currency}`;
  }
}

describe("JSONSerializer: readable output", () => {
  const s = new JSONSerializer();

  it("keeps plain JSON plain", () => {
    assert.equal(s.dumps({ a: 1 }), '{"a":1}');
    assert.equal(s.dumps([1, "two", null, true]), '[1,"two",null,true]');
    assert.equal(s.dumps("text"), '"text"');
    assert.equal(s.dumps({ nested: { list: [{ x: 1.5 }] } }), '{"nested":{"list":[{"x":1.5}]}}');
  });

  it("tags the types JSON lacks", () => {
    const cases: Array<[unknown, string]> = [
      [new Date("2024-05-01T12:00:00.000Z"), '{"$cairn":"Date","value":"2024-05-01T12:00:00.000Z"}'],
      [new Date(Number.NaN), '{"$cairn":"Date","value":null}'],
      [123n, '{"$cairn":"BigInt","value":"123"}'],
      [new Map([["a", 1]]), '{"$cairn":"Map","value":[["a",1]]}'],
      [new Set([1, 2]), '{"$cairn":"Set","value":[1,2]}'],
      [Buffer.from("hi"), '{"$cairn":"Buffer","value":"aGk="}'],
      [new Uint8Array([1, 2, 3]), '{"$cairn":"Uint8Array","value":"AQID"}'],
      [new Float64Array([1]), '{"$cairn":"Float64Array","value":"AAAAAAAA8D8="}'],
      [new Uint8Array([7]).buffer, '{"$cairn":"ArrayBuffer","value":"Bw=="}'],
      [new URL("https://example.com/x"), '{"$cairn":"URL","value":"https://example.com/x"}'],
      [/a+/gi, '{"$cairn":"RegExp","value":{"source":"a+","flags":"gi"}}'],
      [undefined, '{"$cairn":"undefined"}'],
      [[undefined], '[{"$cairn":"undefined"}]'],
      [Number.NaN, '{"$cairn":"Number","value":"NaN"}'],
      [Infinity, '{"$cairn":"Number","value":"Infinity"}'],
      [-Infinity, '{"$cairn":"Number","value":"-Infinity"}'],
      [-0, '{"$cairn":"Number","value":"-0"}'],
    ];
    for (const [value, text] of cases) assert.equal(s.dumps(value), text);
  });

  it("writes an Error as name, message, stack, cause and own fields", () => {
    const error = new TypeError("boom", { cause: "why" });
    (error as TypeError & { code?: string }).code = "E1";
    const tree = JSON.parse(s.dumps(error)) as { $cairn: string; value: Record<string, unknown> };
    assert.equal(tree.$cairn, "Error");
    assert.deepEqual(
      { ...tree.value, stack: undefined },
      { name: "TypeError", message: "boom", stack: undefined, cause: "why", props: { code: "E1" } },
    );
    assert.equal(tree.value.stack, error.stack);
  });

  it("omits undefined object properties by default and keeps them when asked", () => {
    assert.equal(s.dumps({ a: undefined, b: 1 }), '{"b":1}');
    const keep = new JSONSerializer({ undefinedProperties: "keep" });
    assert.equal(keep.dumps({ a: undefined }), '{"a":{"$cairn":"undefined"}}');
    assert.deepEqual(Object.keys(keep.loads(keep.dumps({ a: undefined })) as object), ["a"]);
  });

  it("indents when asked", () => {
    assert.equal(new JSONSerializer({ indent: 2 }).dumps({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}');
  });

  it("escapes user objects that have the tag key", () => {
    const value = { $cairn: "Date", value: "not a date", inner: { $cairn: 1 } };
    const text = s.dumps(value);
    assert.equal(
      text,
      '{"$cairn":"Object","value":{"$cairn":"Date","value":"not a date","inner":{"$cairn":"Object","value":{"$cairn":1}}}}',
    );
    assert.deepEqual(s.loads(text), value);
  });

  it("uses toJSON() of unregistered objects that have one, as JSON.stringify does", () => {
    class Temperature {
      constructor(readonly celsius: number) {}
      toJSON(): string {
        return `${this.celsius}°C`;
      }
    }
    assert.equal(s.dumps({ t: new Temperature(21) }), '{"t":"21°C"}');
  });

  it("keeps a __proto__ key as data", () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"d":1}') as Record<string, unknown>;
    const back = s.loads(s.dumps({ ...value, when: new Date(0) })) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, { polluted: true });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("reads plain JSON written by anyone", () => {
    assert.deepEqual(s.loads('{"a":[1,2,{"b":null}]}'), { a: [1, 2, { b: null }] });
  });
});

describe("JSONSerializer: registered classes", () => {
  it("writes and rebuilds a registered class with its prototype", () => {
    const classes = new JsonClassRegistry();
    classes.register("Money", Money);
    const s = new JSONSerializer({ classes });
    const text = s.dumps({ price: new Money(150, "EUR") });
    assert.equal(text, '{"price":{"$cairn":"class","name":"Money","value":{"cents":150,"currency":"EUR"}}}');
    const back = s.loads(text) as { price: Money };
    assert.ok(back.price instanceof Money);
    assert.equal(back.price.format(), "1.50 EUR");
  });

  it("uses the class's toJSON/fromJSON when given", () => {
    const classes = new JsonClassRegistry();
    classes.register("Money", Money, {
      toJSON: (m) => `${m.cents} ${m.currency}`,
      fromJSON: (text: string) => {
        const [cents, currency] = text.split(" ");
        return new Money(Number(cents), currency ?? "");
      },
    });
    const s = new JSONSerializer({ classes });
    const text = s.dumps([new Money(5, "USD")]);
    assert.equal(text, '[{"$cairn":"class","name":"Money","value":"5 USD"}]');
    assert.deepEqual(s.loads(text), [new Money(5, "USD")]);
  });

  it("registers globally with registerJsonClass, for serializers rebuilt from a blob", () => {
    class Invoice {
      constructor(readonly total: Money) {}
    }
    registerJsonClass("test.Invoice", Invoice);
    registerJsonClass("test.Money", Money);
    try {
      const s = new JSONSerializer();
      const back = s.loads(s.dumps(new Invoice(new Money(1, "EUR")))) as Invoice;
      assert.ok(back instanceof Invoice);
      assert.ok(back.total instanceof Money);
    } finally {
      unregisterJsonClass("test.Invoice");
      unregisterJsonClass("test.Money");
    }
  });

  it("refuses a name taken by another class", () => {
    const classes = new JsonClassRegistry();
    classes.register("Money", Money);
    assert.throws(() => classes.register("Money", class Other {}), /already registered for class Money/);
    assert.throws(() => classes.register("not a name!", Money), /Cannot register JSON class/);
  });

  it("never runs code named in the data: an unknown class is refused with how to register it", () => {
    const s = new JSONSerializer({ classes: new JsonClassRegistry() });
    const text = '{"items":[{"$cairn":"class","name":"Money","value":{"cents":1}}]}';
    assert.throws(
      () => s.loads(text),
      (err: unknown) => {
        assert.ok(err instanceof DeserializationError);
        assert.match(err.message, /class "Money" is not registered \(at value\.items\[0\]\)/);
        assert.match(err.message, /never imports or runs code named in the data/);
        assert.match(err.message, /registerJsonClass\("Money", Money\)/);
        return true;
      },
    );
  });

  it("refuses an unknown tag, naming it and the decoder hook", () => {
    const s = new JSONSerializer();
    assert.throws(
      () => s.loads('{"a":{"$cairn":"Decimal","value":"1.10"}}'),
      (err: unknown) => {
        assert.ok(err instanceof DeserializationError);
        assert.match(err.message, /unknown tag "Decimal" \(at value\.a\)/);
        assert.match(err.message, /decoder hook handles "Decimal"/);
        return true;
      },
    );
  });

  it("refuses malformed tags as corrupt data", () => {
    const s = new JSONSerializer();
    const cases: Array<[string, RegExp]> = [
      ['{"$cairn":"Date","value":"yesterday"}', /a "Date" tag holds "yesterday", which is not a valid Date/],
      ['{"$cairn":"BigInt","value":"1.5"}', /"BigInt" tag holds "1.5"/],
      ['[{"$cairn":"Uint8Array","value":"***"}]', /"Uint8Array" tag holds "\*\*\*", .*\(at value\[0\]\)/],
      ['{"$cairn":"Float64Array","value":"AAA="}', /"Float64Array" tag/],
      ['{"$cairn":"Map","value":[[1]]}', /"Map" tag/],
      ['{"$cairn":42}', /tag is 42, not a string/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => s.loads(text), (err: unknown) => err instanceof DeserializationError && message.test(err.message));
    }
  });
});

describe("JSONSerializer: encoder and decoder hooks", () => {
  class Decimal {
    constructor(readonly text: string) {}
  }

  it("round-trips a custom type through jsonTag", () => {
    const s = new JSONSerializer({
      encoder: (v) => (v instanceof Decimal ? jsonTag("Decimal", v.text) : undefined),
      decoder: (tag, v) => (tag === "Decimal" ? new Decimal(v as string) : undefined),
    });
    const text = s.dumps({ price: new Decimal("1.10") });
    assert.equal(text, '{"price":{"$cairn":"Decimal","value":"1.10"}}');
    assert.deepEqual(s.loads(text), { price: new Decimal("1.10") });
  });

  it("lets the encoder override a built-in hook", () => {
    const s = new JSONSerializer({ encoder: (v) => (v instanceof Date ? v.getTime() : undefined) });
    assert.equal(s.dumps({ at: new Date(5) }), '{"at":5}');
  });

  it("refuses hooks that are not functions", () => {
    assert.throws(() => new JSONSerializer({ encoder: 1 as never }), /option `encoder`: expected a function/);
    assert.throws(() => new JSONSerializer({ undefinedProperties: "drop" as never }), /`undefinedProperties`/);
    assert.throws(() => new JSONSerializer({ indent: -1 }), /`indent`/);
  });
});

describe("JSONSerializer: unserializable values", () => {
  const s = new JSONSerializer();

  it("names the path to a function and suggests a way out", () => {
    assert.throws(
      () => s.dumps({ items: [1, 2, 3, { callback: () => 1 }] }),
      (err: unknown) => {
        assert.ok(err instanceof SerializationError);
        assert.equal(
          err.message,
          'Cannot serialize the value with the "json" serializer: value.items[3].callback is a function (callback). ' +
            "No serializer can store it: return plain data instead, or set `persistResult: false` on the task or flow " +
            "to keep its result in memory only.",
        );
        return true;
      },
    );
  });

  it("names the class of an unregistered instance and how to register it", () => {
    class Session {
      token = "x";
    }
    assert.throws(
      () => s.dumps({ user: { session: new Session() } }),
      (err: unknown) => {
        assert.ok(err instanceof SerializationError);
        assert.match(err.message, /value\.user\.session is an instance of class Session, which JSON cannot represent/);
        assert.match(err.message, /registerJsonClass\("Session", Session\)/);
        assert.match(err.message, /"msgpack" serializer/);
        assert.match(err.message, /persistResult: false/);
        return true;
      },
    );
  });

  it("names where a cycle closes and suggests msgpack", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.items = [{ back: a }];
    assert.throws(
      () => s.dumps({ root: a }),
      /value\.root\.items\[0\]\.back is a circular reference to value\.root\. Use the "msgpack" serializer/,
    );
  });

  it("finds cycles deeper than the encoder's cycle watch", () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 100; i++) node = (node.next = {}) as Record<string, unknown>;
    node.loop = root.next;
    assert.throws(() => s.dumps(root), /is a circular reference to value\.next\b/);
  });

  it("allows shared (non-circular) references, writing them twice", () => {
    const shared = { x: 1 };
    assert.equal(s.dumps([shared, shared]), '[{"x":1},{"x":1}]');
  });

  it("quotes keys that are not identifiers and shows Map keys", () => {
    assert.throws(() => s.dumps({ "first name": () => 1 }), /value\["first name"\] is a function/);
    assert.throws(() => s.dumps(new Map([[7, Symbol()]])), /value\.get\(7\) is a symbol/);
    assert.throws(() => s.dumps(new Set([1, () => 1])), /value\.values\(\)\[1\] is a function/);
    assert.throws(() => s.dumps(new Map([[{ id: 1 }, () => 1]])), /value\.get\(<key #0>\) is a function/);
  });
});
