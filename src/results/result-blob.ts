import type { Serializer, SerializerConfig } from "../serializers/serializer.js";
import { computeIntegrityV1 } from "./blob/blob-integrity.js";
import { RESULT_BLOB_READERS } from "./blob/blob-readers.js";
import { cairnVersion } from "./blob/cairn-version.js";
import { RESULT_BLOB_FORMAT_VERSION, type PersistedResultBlob as Blob } from "./blob/persisted-result-blob-fields.js";
import type { ResultBlobSource } from "./blob/result-blob-source.js";
import { ResultIntegrityError } from "./blob/result-integrity-error.js";
import { UnsupportedResultBlobVersionError } from "./blob/unsupported-result-blob-version-error.js";
import { decodeFramedBlob, FRAMED_LAYOUT, framedToBlob } from "./blob/framed-blob.js";

export { RESULT_BLOB_FORMAT_VERSION } from "./blob/persisted-result-blob-fields.js";
export type { ResultBlobSource } from "./blob/result-blob-source.js";
export { ResultIntegrityError } from "./blob/result-integrity-error.js";
export { UnsupportedResultBlobVersionError } from "./blob/unsupported-result-blob-version-error.js";

/**
 * A result blob: the JSON content of one persisted result. See `docs/result-blob.md`
 * for the format, field by field.
 */
export type PersistedResultBlob = Blob;

/** What {@link PersistedResultBlob.create} takes. */
export interface CreateResultBlobInput {
  /** The serializer that produced `data`, or its config (`toConfig()`). */
  serializer: SerializerConfig | Serializer;
  /** Exactly what `serializer.dumps(value)` returned. */
  data: string;
  /** When the result expires; null or undefined for never. */
  expiration?: Date | string | null;
  /** When the blob was made. @default now */
  createdAt?: Date | string;
}

function toIso(value: Date | string, field: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new TypeError(`PersistedResultBlob.create: ${field} ${JSON.stringify(String(value))} is not a valid date.`);
  }
  return date.toISOString();
}

function isSerializer(x: SerializerConfig | Serializer): x is Serializer {
  return typeof (x as Partial<Serializer>).toConfig === "function";
}

/** The config as it will read back from JSON (so the hash matches on both sides). */
function normalizeConfig(input: SerializerConfig | Serializer): SerializerConfig {
  const config = isSerializer(input) ? input.toConfig() : input;
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(config)) as unknown;
  } catch (err) {
    throw new TypeError(`PersistedResultBlob.create: the serializer config is not JSON-able (${String(err)}).`, {
      cause: err,
    });
  }
  const type = (copy as { type?: unknown } | null)?.type;
  if (copy === null || typeof copy !== "object" || Array.isArray(copy) || typeof type !== "string" || type === "") {
    throw new TypeError("PersistedResultBlob.create: the serializer config must be an object with a string `type`.");
  }
  return copy as SerializerConfig;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Makes and reads result blobs.
 *
 * @example
 * ```ts
 * const blob = PersistedResultBlob.create({ serializer: serializer.toConfig(), data: await serializer.dumps(value) });
 * const back = PersistedResultBlob.parse(JSON.parse(text));
 * const value2 = await resolveSerializer(back.serializer).loads(back.data);
 * ```
 */
export const PersistedResultBlob = {
  /** The format version written by this Cairn. */
  version: RESULT_BLOB_FORMAT_VERSION,

  /**
   * Makes a blob in the current format, its integrity hash computed.
   *
   * @example
   * ```ts
   * const blob = PersistedResultBlob.create({ serializer: { type: "json" }, data: '{"a":1}', expiration: null });
   * ```
   */
  create(input: CreateResultBlobInput): PersistedResultBlob {
    const serializer = normalizeConfig(input.serializer);
    if (typeof input.data !== "string") {
      throw new TypeError(
        `PersistedResultBlob.create: data must be the string serializer "${serializer.type}" dumped, got ${typeof input.data}.`,
      );
    }
    const fields: Omit<Blob, "integrity" | "data"> = {
      cairn: RESULT_BLOB_FORMAT_VERSION,
      serializer,
      expiration: input.expiration == null ? null : toIso(input.expiration, "expiration"),
      createdAt: toIso(input.createdAt ?? new Date(), "createdAt"),
      cairnVersion: cairnVersion(),
    };
    const data = input.data;
    return Object.freeze({ ...fields, integrity: computeIntegrityV1({ ...fields, data }), data });
  },

  /**
   * Validates a parsed blob of any format version this Cairn knows, verifies its
   * integrity hash, and returns it in the current format. Synchronous.
   *
   * @param obj - the blob's parsed JSON.
   * @param source - its key and storage, named in errors.
   * @throws {ResultIntegrityError} for a wrong shape or a hash that does not match.
   * @throws {UnsupportedResultBlobVersionError} for a format newer than this Cairn.
   *
   * @example
   * ```ts
   * const blob = PersistedResultBlob.parse(JSON.parse(readFileSync(file, "utf8")));
   * ```
   */
  parse(obj: unknown, source?: ResultBlobSource): PersistedResultBlob {
    const fail = (reason: string): never => {
      throw new ResultIntegrityError(reason, source);
    };
    if (!isRecord(obj)) return fail(`it is not a JSON object (got ${Array.isArray(obj) ? "an array" : typeof obj})`);
    const version = obj["cairn"];
    if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
      return fail("it is not a Cairn result blob: it has no valid `cairn` format version (a positive integer)");
    }
    if ("layout" in obj && version <= RESULT_BLOB_FORMAT_VERSION) {
      return fail(
        `it is the head line of a ${JSON.stringify(obj["layout"])} blob, whose raw bytes follow that line: ` +
          "read the whole file with decodePersistedResultBlob (or readResult), not JSON.parse of its first line",
      );
    }
    const read = RESULT_BLOB_READERS.get(version);
    if (read === undefined) {
      if (version > RESULT_BLOB_FORMAT_VERSION) {
        const by = obj["cairnVersion"];
        throw new UnsupportedResultBlobVersionError(
          version,
          { newest: RESULT_BLOB_FORMAT_VERSION, running: cairnVersion() },
          typeof by === "string" ? by : undefined,
          source,
        );
      }
      return fail(`its format version ${version} was never written by any Cairn`);
    }
    return read(obj, fail);
  },

  /**
   * True when the blob has an expiration at or before `now`.
   *
   * @example
   * ```ts
   * if (PersistedResultBlob.isExpired(blob)) return cacheMiss();
   * ```
   */
  isExpired(blob: PersistedResultBlob, now: Date = new Date()): boolean {
    return blob.expiration !== null && Date.parse(blob.expiration) <= now.getTime();
  },
} as const;

/** Printable ASCII but `"` and `\\`: text JSON writes as is (base64 always is). */
const NEEDS_ESCAPE_OR_NOT_ASCII = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/**
 * The bytes of a blob file: compact UTF-8 JSON, `data` last, ending with a newline.
 * When `data` is plain printable ASCII (base64 always is) it is copied into the output
 * as is, without JSON escaping or UTF-8 encoding passes; otherwise it is escaped once.
 * Does not recompute the hash: pass blobs from `create` or `parse`.
 *
 * @example
 * ```ts
 * await storage.writePath(key, encodePersistedResultBlob(blob));
 * ```
 */
export function encodePersistedResultBlob(blob: PersistedResultBlob): Uint8Array {
  if (blob.layout === FRAMED_LAYOUT) return encodeFramedFields(blob);
  const head = JSON.stringify({
    cairn: blob.cairn,
    serializer: blob.serializer,
    expiration: blob.expiration,
    createdAt: blob.createdAt,
    cairnVersion: blob.cairnVersion,
    integrity: blob.integrity,
  });
  const prefix = `${head.slice(0, -1)},"data":`;
  const data = blob.data;
  if (NEEDS_ESCAPE_OR_NOT_ASCII.test(data)) return Buffer.from(`${prefix}${JSON.stringify(data)}}\n`, "utf8");
  const prefixBytes = Buffer.byteLength(prefix, "utf8");
  const out = Buffer.allocUnsafe(prefixBytes + data.length + 4);
  let offset = out.write(prefix, 0, "utf8");
  out[offset++] = 0x22; // "
  offset += out.write(data, offset, "latin1");
  out[offset++] = 0x22; // "
  out[offset++] = 0x7d; // }
  out[offset] = 0x0a; // newline
  return out;
}

/** A framed blob's bytes from its fields (`data` is the base64 of its raw bytes); the hash is not recomputed. */
function encodeFramedFields(blob: PersistedResultBlob): Uint8Array {
  const bytes = Buffer.from(blob.data, "base64");
  const line = `${JSON.stringify({
    cairn: blob.cairn,
    layout: FRAMED_LAYOUT,
    serializer: blob.serializer,
    expiration: blob.expiration,
    createdAt: blob.createdAt,
    cairnVersion: blob.cairnVersion,
    byteLength: bytes.length,
    integrity: blob.integrity,
  })}\n`;
  const head = Buffer.from(line, "utf8");
  const out = Buffer.allocUnsafe(head.length + bytes.length);
  head.copy(out, 0);
  bytes.copy(out, head.length);
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a blob file's bytes, in either layout: a framed blob (a JSON head line, then the
 * raw bytes) is checked and returned with `data` the base64 of its bytes; a document blob
 * goes UTF-8, JSON, then {@link PersistedResultBlob.parse}.
 * Anything truncated, corrupted or edited is a {@link ResultIntegrityError} naming
 * `source.key` and `source.storage`, never a wrong value.
 *
 * @example
 * ```ts
 * const blob = decodePersistedResultBlob(await storage.readPath(key), { key, storage });
 * ```
 */
export function decodePersistedResultBlob(bytes: Uint8Array, source: ResultBlobSource): PersistedResultBlob {
  if (bytes.byteLength === 0) {
    throw new ResultIntegrityError("it is empty (0 bytes), as a write cut short by a power loss can leave it", source);
  }
  const framed = decodeFramedBlob(bytes, source);
  if (framed !== undefined) return framedToBlob(framed);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (err) {
    throw new ResultIntegrityError("it is not valid UTF-8", source, { cause: err });
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ResultIntegrityError(
      `it is not valid JSON (${why}); it is ${bytes.byteLength} bytes long and may have been truncated`,
      source,
      { cause: err },
    );
  }
  if (isRecord(obj) && "layout" in obj) {
    // A framed head line without its newline and bytes: the rest of the file is gone.
    const announced = typeof obj["byteLength"] === "number" ? ` of the ${obj["byteLength"]}` : "";
    throw new ResultIntegrityError(`it holds a framed blob's head line and none${announced} bytes that follow it: it was truncated`, source);
  }
  return PersistedResultBlob.parse(obj, source);
}
