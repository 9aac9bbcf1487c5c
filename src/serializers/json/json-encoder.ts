import { encodeBase64 } from "../internal/base64.js";
import { className } from "../internal/describe-value.js";
import { defineField, toErrorRecord } from "../internal/error-record.js";
import type { JsonClassRegistry } from "./json-class-registry.js";
import { JSON_TAGS, JSON_TAG_KEY, JsonTagged } from "./json-tag.js";
import { littleEndianBytes, typedArrayTag } from "./typed-arrays.js";

/**
 * A JSON encoder hook: called for every value that is not already plain JSON (strings,
 * booleans, null, finite numbers, plain objects and arrays are not offered). Return a
 * replacement to write instead (often {@link jsonTag}), or `undefined` for the default handling.
 */
export type JsonEncoderHook = (value: unknown) => unknown;

/** What the encoder needs to know. */
export interface JsonEncodeOptions {
  encoder: JsonEncoderHook | undefined;
  classes: JsonClassRegistry;
  /** `"omit"` drops object properties whose value is undefined (as JSON does); `"keep"` tags them. */
  undefinedProperties: "omit" | "keep";
}

/** Thrown inside the encoder; the serializer turns it into a SerializationError with a path. */
export class JsonEncodeFailure extends Error {}

/** Past this depth the encoder starts watching for cycles (a cycle is infinitely deep). */
const CYCLE_WATCH_DEPTH = 64;

const UNDEFINED_TAG = { [JSON_TAG_KEY]: JSON_TAGS.undefined };

/** The hook declined: use the default handling. */
const DECLINED: unique symbol = Symbol("declined");

/**
 * Turns a value into a tree `JSON.stringify` writes faithfully: the types JSON lacks become
 * tagged objects, plain JSON stays as it is.
 */
export function encodeJson(root: unknown, options: JsonEncodeOptions): unknown {
  const { encoder, classes } = options;
  const keepUndefined = options.undefinedProperties === "keep";
  let watched: Set<object> | undefined;

  const tagged = (tag: string, value: unknown): Record<string, unknown> => ({ [JSON_TAG_KEY]: tag, value });

  const encodeNumber = (n: number): unknown => {
    if (Number.isFinite(n) && !(n === 0 && 1 / n < 0)) return n;
    return tagged(JSON_TAGS.number, Object.is(n, -0) ? "-0" : String(n));
  };

  const encode = (value: unknown, depth: number): unknown => {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        return encodeNumber(value);
      case "undefined":
        {
        const replaced = fromHook(value, depth);
        return replaced === DECLINED ? UNDEFINED_TAG : replaced;
      }
      case "bigint":
        {
        const replaced = fromHook(value, depth);
        return replaced === DECLINED ? tagged(JSON_TAGS.bigint, value.toString()) : replaced;
      }
      case "function":
      case "symbol":
        {
        const replaced = fromHook(value, depth);
        return replaced === DECLINED ? fail() : replaced;
      }
    }
    if (value === null) return null;
    const object = value as object;
    const proto: unknown = Object.getPrototypeOf(object);
    const plain = proto === Object.prototype || proto === null;
    const array = !plain && Array.isArray(object);
    if (!plain && !array && encoder !== undefined) {
      const replaced = fromHook(object, depth);
      if (replaced !== DECLINED) return replaced;
    }
    if (depth > CYCLE_WATCH_DEPTH) {
      watched ??= new Set();
      if (watched.has(object)) fail();
      watched.add(object);
    }
    const out = plain ? encodeObject(object, depth) : array ? encodeArray(object as unknown[], depth) : encodeSpecial(object, depth);
    if (depth > CYCLE_WATCH_DEPTH) watched?.delete(object);
    return out;
  };

  const fromHook = (value: unknown, depth: number): unknown => {
    if (encoder === undefined) return DECLINED;
    const replaced = encoder(value);
    if (replaced === undefined || replaced === value) return DECLINED;
    if (replaced instanceof JsonTagged) return tagged(replaced.tag, encode(replaced.value, depth + 1));
    return encode(replaced, depth + 1);
  };

  const encodeArray = (array: unknown[], depth: number): unknown[] => {
    const out = new Array<unknown>(array.length);
    for (let i = 0; i < array.length; i++) out[i] = encode(array[i], depth + 1);
    return out;
  };

  const encodeProperties = (object: object, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
      const item = (object as Record<string, unknown>)[key];
      if (item === undefined && !keepUndefined) continue;
      const encoded = encode(item, depth + 1);
      if (key === "__proto__") defineField(out, key, encoded);
      else out[key] = encoded;
    }
    return out;
  };

  const encodeObject = (object: object, depth: number): unknown => {
    const out = encodeProperties(object, depth);
    return Object.hasOwn(object, JSON_TAG_KEY) ? tagged(JSON_TAGS.object, out) : out;
  };

  const encodeSpecial = (object: object, depth: number): unknown => {
    const registered = classes.nameOf(object.constructor);
    if (registered !== undefined) {
      const definition = classes.get(registered);
      const data = definition?.toJSON === undefined ? encodeProperties(object, depth) : encode(definition.toJSON(object), depth + 1);
      return { [JSON_TAG_KEY]: JSON_TAGS.class, name: registered, value: data };
    }
    if (object instanceof Date) {
      const time = object.getTime();
      return tagged(JSON_TAGS.date, Number.isNaN(time) ? null : object.toISOString());
    }
    if (object instanceof Map) {
      const entries: unknown[] = [];
      for (const [k, v] of object) entries.push([encode(k, depth + 1), encode(v, depth + 1)]);
      return tagged(JSON_TAGS.map, entries);
    }
    if (object instanceof Set) {
      const elements: unknown[] = [];
      for (const v of object) elements.push(encode(v, depth + 1));
      return tagged(JSON_TAGS.set, elements);
    }
    if (ArrayBuffer.isView(object)) {
      if (Buffer.isBuffer(object)) return tagged(JSON_TAGS.buffer, object.toString("base64"));
      if (object instanceof DataView) return tagged(JSON_TAGS.dataView, encodeBase64(littleEndianBytes(object)));
      const tag = typedArrayTag(object);
      if (tag !== undefined) return tagged(tag, encodeBase64(littleEndianBytes(object)));
    }
    if (object instanceof ArrayBuffer) return tagged(JSON_TAGS.arrayBuffer, encodeBase64(new Uint8Array(object)));
    if (object instanceof URL) return tagged(JSON_TAGS.url, object.href);
    if (object instanceof RegExp) return tagged(JSON_TAGS.regExp, { source: object.source, flags: object.flags });
    if (object instanceof Error) return encodeError(object, depth);
    if (Array.isArray(object)) return encodeArray(object, depth);
    if (object instanceof String || object instanceof Boolean) return object.valueOf();
    if (object instanceof Number) return encodeNumber(object.valueOf());
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return encode(toJSON.call(object), depth + 1);
    if (className(object) !== undefined) fail();
    return encodeObject(object, depth);
  };

  const encodeError = (error: Error, depth: number): unknown => {
    const record = toErrorRecord(error);
    const out: Record<string, unknown> = { name: record.name, message: record.message };
    if (record.stack !== undefined) out.stack = record.stack;
    if ("cause" in record) out.cause = encode(record.cause, depth + 1);
    if (record.errors !== undefined) out.errors = encodeArray(record.errors, depth);
    if (record.props !== undefined) out.props = encodeProperties(record.props, depth);
    return tagged(JSON_TAGS.error, out);
  };

  return encode(root, 0);
}

function fail(): never {
  throw new JsonEncodeFailure("unserializable value");
}
