import { decodeBase64 } from "../internal/base64.js";
import { defineField, fromErrorRecord, type ErrorRecord } from "../internal/error-record.js";
import { ROOT_PATH, indexPath, propertyPath } from "../internal/value-path.js";
import type { JsonClassRegistry } from "./json-class-registry.js";
import { JSON_TAGS, JSON_TAG_KEY } from "./json-tag.js";
import { TYPED_ARRAYS, typedArrayFromBytes } from "./typed-arrays.js";

/**
 * A JSON decoder hook: called for tags the serializer does not know, with the tag and the
 * decoded payload. Return the value, or `undefined` when the hook does not know the tag either.
 */
export type JsonDecoderHook = (tag: string, value: unknown) => unknown;

/** What the decoder needs to know. */
export interface JsonDecodeOptions {
  decoder: JsonDecoderHook | undefined;
  classes: JsonClassRegistry;
}

/** Thrown by the decoder: what is wrong and where; the serializer wraps it in a DeserializationError. */
export class JsonDecodeFailure extends Error {
  /** Path segments from the root, innermost last, filled in as the error unwinds. */
  readonly segments: Array<string | number> = [];

  constructor(
    readonly problem: string,
    /** What to do about it; undefined for plain corruption. */
    readonly hint?: string,
  ) {
    super(problem);
  }

  /** `value.items[2].price`. */
  path(): string {
    let path = ROOT_PATH;
    const shown = this.segments.length > 24 ? [...this.segments.slice(0, 12), undefined, ...this.segments.slice(-8)] : this.segments;
    for (const segment of shown) {
      if (segment === undefined) path += `...(${this.segments.length - 20} levels)...`;
      else path = typeof segment === "number" ? indexPath(path, segment) : propertyPath(path, segment);
    }
    return path;
  }
}

/** Arrays and objects nested deeper than this are refused (the decoder recurses). */
const MAX_DEPTH = 2000;

const SPECIAL_NUMBERS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
  "-0": -0,
};

/**
 * Turns the parsed JSON tree back into values, in place: tagged objects become the values
 * they stand for. Never imports or runs code named in the data: classes come from the
 * registry, other tags from the `decoder` hook, and anything else is refused.
 */
export function decodeJson(root: unknown, options: JsonDecodeOptions): unknown {
  const { decoder, classes } = options;
  let depth = 0;

  const decode = (node: unknown): unknown => {
    if (typeof node !== "object" || node === null) return node;
    if (++depth > MAX_DEPTH) {
      throw new JsonDecodeFailure(
        `the data is nested deeper than ${MAX_DEPTH} levels`,
        "Such data is refused rather than overflow the stack; store deeply nested structures in another shape.",
      );
    }
    try {
      if (Array.isArray(node)) return decodeArray(node);
      const record = node as Record<string, unknown>;
      if (Object.hasOwn(record, JSON_TAG_KEY)) return decodeTagged(record);
      return decodeProperties(record);
    } finally {
      depth--;
    }
  };

  const decodeArray = (array: unknown[]): unknown[] => {
    let i = 0;
    try {
      for (; i < array.length; i++) array[i] = decode(array[i]);
    } catch (err) {
      throw within(err, i);
    }
    return array;
  };

  const decodeProperties = (record: Record<string, unknown>): Record<string, unknown> => {
    let key = "";
    try {
      for (key of Object.keys(record)) {
        const decoded = decode(record[key]);
        if (key === "__proto__") defineField(record, key, decoded);
        else record[key] = decoded;
      }
    } catch (err) {
      throw within(err, key);
    }
    return record;
  };

  const child = (value: unknown, segment: string | number): unknown => {
    try {
      return decode(value);
    } catch (err) {
      throw within(err, segment);
    }
  };

  const decodeTagged = (node: Record<string, unknown>): unknown => {
    const tag = node[JSON_TAG_KEY];
    const value = node.value;
    if (typeof tag !== "string") throw new JsonDecodeFailure(`the "${JSON_TAG_KEY}" tag is ${JSON.stringify(tag)}, not a string`);
    switch (tag) {
      case JSON_TAGS.undefined:
        return undefined;
      case JSON_TAGS.number:
        if (typeof value === "string" && Object.hasOwn(SPECIAL_NUMBERS, value)) return SPECIAL_NUMBERS[value];
        throw malformed(tag, value);
      case JSON_TAGS.bigint:
        if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
        throw malformed(tag, value);
      case JSON_TAGS.date: {
        if (value === null) return new Date(Number.NaN);
        const date = typeof value === "string" ? new Date(value) : undefined;
        if (date === undefined || Number.isNaN(date.getTime())) throw malformed(tag, value);
        return date;
      }
      case JSON_TAGS.map: {
        const entries = arrayOf(tag, value);
        const map = new Map<unknown, unknown>();
        entries.forEach((entry, i) => {
          if (!Array.isArray(entry) || entry.length !== 2) throw within(malformed(tag, entry), i);
          map.set(child(entry[0], i), child(entry[1], i));
        });
        return map;
      }
      case JSON_TAGS.set:
        return new Set(decodeArray(arrayOf(tag, value)));
      case JSON_TAGS.buffer:
        return bytesOf(tag, value);
      case JSON_TAGS.arrayBuffer: {
        const bytes = bytesOf(tag, value);
        return new Uint8Array(bytes).buffer;
      }
      case JSON_TAGS.dataView:
        return new DataView(new Uint8Array(bytesOf(tag, value)).buffer);
      case JSON_TAGS.url:
        if (typeof value === "string" && URL.canParse(value)) return new URL(value);
        throw malformed(tag, value);
      case JSON_TAGS.regExp: {
        const { source, flags } = (value ?? {}) as { source?: unknown; flags?: unknown };
        if (typeof source !== "string" || typeof flags !== "string") throw malformed(tag, value);
        try {
          return new RegExp(source, flags);
        } catch {
          throw malformed(tag, value);
        }
      }
      case JSON_TAGS.error:
        return decodeError(value);
      case JSON_TAGS.object:
        if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed(tag, value);
        return decodeProperties(value as Record<string, unknown>);
      case JSON_TAGS.class:
        return decodeClass(node);
    }
    const Ctor = TYPED_ARRAYS.get(tag);
    if (Ctor !== undefined) {
      try {
        return typedArrayFromBytes(Ctor, bytesOf(tag, value));
      } catch (err) {
        if (err instanceof JsonDecodeFailure) throw err;
        throw malformed(tag, value);
      }
    }
    const decoded = decoder?.(tag, decode(value));
    if (decoded !== undefined) return decoded;
    throw new JsonDecodeFailure(
      `unknown tag "${tag}"`,
      `The data was written with an encoder hook (or a newer Cairn), and a decoder never runs code named ` +
        `in the data. Read it with a JSONSerializer whose decoder hook handles "${tag}": ` +
        `new JSONSerializer({ decoder: (tag, value) => ... }).`,
    );
  };

  const decodeClass = (node: Record<string, unknown>): unknown => {
    const name = node.name;
    if (typeof name !== "string") throw malformed(JSON_TAGS.class, name);
    const definition = classes.get(name);
    if (definition === undefined) {
      const known = classes.names();
      throw new JsonDecodeFailure(
        `class "${name}" is not registered` + (known.length > 0 ? ` (registered: ${known.join(", ")})` : ""),
        `A decoder never imports or runs code named in the data. Register the class in this process ` +
          `before reading: registerJsonClass("${name}", ${name}) (or pass \`classes\` to the JSONSerializer).`,
      );
    }
    const data = decode(node.value);
    if (definition.fromJSON !== undefined) return definition.fromJSON(data);
    if (typeof data !== "object" || data === null) throw malformed(`class "${name}"`, data);
    const instance = Object.create(definition.cls.prototype as object) as Record<string, unknown>;
    for (const key of Object.keys(data)) defineField(instance, key, (data as Record<string, unknown>)[key]);
    return instance;
  };

  const decodeError = (value: unknown): Error => {
    if (typeof value !== "object" || value === null) throw malformed(JSON_TAGS.error, value);
    const raw = value as Record<string, unknown>;
    if (typeof raw.name !== "string" || typeof raw.message !== "string") throw malformed(JSON_TAGS.error, value);
    const record: ErrorRecord = { name: raw.name, message: raw.message };
    if (typeof raw.stack === "string") record.stack = raw.stack;
    if ("cause" in raw) record.cause = child(raw.cause, "cause");
    if (Array.isArray(raw.errors)) record.errors = child(raw.errors, "errors") as unknown[];
    if (typeof raw.props === "object" && raw.props !== null) {
      record.props = child(raw.props, "props") as Record<string, unknown>;
    }
    return fromErrorRecord(record);
  };

  try {
    return decode(root);
  } catch (err) {
    if (err instanceof JsonDecodeFailure) err.segments.reverse();
    throw err;
  }
}

function within(err: unknown, segment: string | number): unknown {
  if (err instanceof JsonDecodeFailure) err.segments.push(segment);
  return err;
}

function malformed(tag: string, value: unknown): JsonDecodeFailure {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  return new JsonDecodeFailure(`a "${tag}" tag holds ${shown}, which is not a valid ${tag}`);
}

function arrayOf(tag: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw malformed(tag, value);
  return value;
}

function bytesOf(tag: string, value: unknown): Buffer {
  const bytes = typeof value === "string" ? decodeBase64(value) : undefined;
  if (bytes === undefined) throw malformed(tag, value);
  return bytes;
}
