// The JSON decoder never constructs anything from hostile type tags: tags naming
// unregistered classes, prototypes, `__proto__`, functions or globals are refused with a
// clear DeserializationError; `__proto__` keys stay plain data; no constructor runs.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DeserializationError, JSONSerializer, JsonClassRegistry } from "../../src/serializers/index.js";

const serializer = new JSONSerializer({ classes: new JsonClassRegistry() });
const refused = (pattern: RegExp) => (err: unknown): boolean => {
  assert.ok(err instanceof DeserializationError, `expected a DeserializationError, got ${String(err)}`);
  assert.match(err.message, pattern);
  return true;
};
const prototypeIntact = (): void => {
  assert.equal(({} as Record<string, unknown>)["polluted"], undefined, "Object.prototype was polluted");
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
};

describe("JSON decoder: hostile type tags", () => {
  const hostileNames = ["__proto__", "constructor", "prototype", "Object", "Function", "toString", "hasOwnProperty", "valueOf",
    "globalThis", "process", "require", "eval", "import", "Symbol", "Promise", "Proxy", "Reflect", "child_process"];

  it("a class tag naming anything unregistered is refused, whatever the name", () => {
    for (const name of hostileNames) {
      const text = JSON.stringify({ $cairn: "class", name, value: { polluted: true } });
      assert.throws(() => serializer.loads(text), refused(new RegExp(`class "${name.replace(/[$]/g, "\\$&")}" is not registered.*never imports or runs code named in the data`)), name);
    }
    prototypeIntact();
  });

  it("a tag naming a prototype member, a function or a global is an unknown tag, refused", () => {
    for (const tag of [...hostileNames, "Function", "AsyncFunction", "SharedArrayBuffer", "WeakMap", "Int8Array.prototype", "Buffer.from"]) {
      const text = JSON.stringify({ a: { $cairn: tag, value: "return process.exit(1)" } });
      assert.throws(() => serializer.loads(text), refused(/unknown tag|is not a valid|holds/), tag);
    }
    prototypeIntact();
  });

  it("a tag that is not a string is refused", () => {
    for (const tag of [1, null, true, ["Date"], { toString: "Date" }]) {
      assert.throws(() => serializer.loads(JSON.stringify({ $cairn: tag, value: 1 })), refused(/"\$cairn" tag is .*, not a string/));
    }
  });

  it("an Error tag with a hostile name is an Error with that name, never another constructor", () => {
    for (const name of hostileNames) {
      const value = serializer.loads(JSON.stringify({ $cairn: "Error", value: { name, message: "boom" } })) as Error;
      assert.ok(value instanceof Error, `${name}: got ${Object.prototype.toString.call(value)}`);
      assert.equal(Object.getPrototypeOf(value), Error.prototype, name);
      assert.equal(value.name, name);
      assert.equal(value.message, "boom");
    }
    prototypeIntact();
  });

  it("__proto__ keys stay own data properties: in plain objects, tagged objects, errors and class instances", () => {
    const plain = serializer.loads('{"x":{"$cairn":"undefined"},"__proto__":{"polluted":true}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(plain), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(plain, "__proto__")?.value, { polluted: true });
    const escaped = serializer.loads('{"$cairn":"Object","value":{"$cairn":1,"__proto__":{"polluted":true}}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(escaped), Object.prototype);
    assert.ok(Object.hasOwn(escaped, "__proto__"));
    const error = serializer.loads('{"$cairn":"Error","value":{"name":"E","message":"m","props":{"__proto__":{"polluted":true}}}}') as Error;
    assert.equal(Object.getPrototypeOf(error), Error.prototype);
    class Money {
      static constructed = 0;
      constructor(readonly cents: number) {
        Money.constructed++;
      }
    }
    const classes = new JsonClassRegistry();
    classes.register("Money", Money);
    const withClass = new JSONSerializer({ classes });
    const money = withClass.loads('{"$cairn":"class","name":"Money","value":{"cents":5,"__proto__":{"polluted":true}}}') as Money;
    assert.equal(Object.getPrototypeOf(money), Money.prototype);
    assert.equal(money.cents, 5);
    assert.equal(Money.constructed, 0, "the class's constructor never runs for data");
    prototypeIntact();
  });

  it("malformed payloads of known tags are refused, never coerced (special numbers, BigInt, Date, RegExp, typed arrays)", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ $cairn: "Number", value: "constructor" }, /"Number" tag holds "constructor"/],
      [{ $cairn: "Number", value: "__proto__" }, /"Number" tag holds/],
      [{ $cairn: "BigInt", value: "1e9" }, /"BigInt" tag holds/],
      [{ $cairn: "Date", value: { valueOf: 1 } }, /"Date" tag holds/],
      [{ $cairn: "RegExp", value: { source: "(", flags: "" } }, /"RegExp" tag holds/],
      [{ $cairn: "Float64Array", value: "AAAA" }, /Float64Array/],
      [{ $cairn: "Map", value: { length: 1 } }, /"Map" tag holds/],
      [{ $cairn: "URL", value: "not a url" }, /"URL" tag holds/],
    ];
    for (const [tree, pattern] of cases) assert.throws(() => serializer.loads(JSON.stringify(tree)), refused(pattern), JSON.stringify(tree));
  });

  it("data nested deeper than the decoder's limit is refused with a clear error, not a stack overflow", () => {
    const depth = 100_000;
    const text = `${"[".repeat(depth)}{"$cairn":"undefined"}${"]".repeat(depth)}`;
    assert.throws(() => serializer.loads(text), refused(/nested deeper than 2000 levels \(at value\[0\].*levels\)/));
  });
});
