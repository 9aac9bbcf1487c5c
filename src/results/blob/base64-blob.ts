import { createHash } from "node:crypto";
import type { SerializerConfig } from "../../serializers/serializer.js";
import { blobV1Schema } from "./blob-v1.js";
import { cairnVersion } from "./cairn-version.js";
import { canonicalJson } from "./canonical-json.js";
import { blobHeadTemplate } from "./blob-head-template.js";
import { isoTime } from "../../utils/iso-time.js";
import { sha256Base64 } from "../../utils/sha256-base64.js";
import { RESULT_BLOB_FORMAT_VERSION, type PersistedResultBlob } from "./persisted-result-blob-fields.js";
import type { ResultBlobSource } from "./result-blob-source.js";
import { ResultIntegrityError } from "./result-integrity-error.js";

// Base64 goes through short-lived strings: 48 KiB of bytes (64 KiB of text) at a time
// stays in V8's young heap, where larger strings cost fresh pages (measured: 64 KiB slices
// ~5 ms for 24 MB; 256 KiB slices ~24 ms). Multiples of 3 bytes / 4 characters, so sliced
// base64 equals whole-buffer base64.
const ENCODE_SLICE = 3 * 16 * 1024;
const DECODE_SLICE = 4 * 16 * 1024;

/** Writes base64 of `bytes` into `out` at `at` (room for it is the caller's); returns the characters written. */
export function encodeBase64Into(bytes: Buffer, out: Buffer, at: number): number {
  let written = 0;
  for (let i = 0; i < bytes.length; i += ENCODE_SLICE) {
    written += out.write(bytes.toString("base64", i, Math.min(i + ENCODE_SLICE, bytes.length)), at + written, "latin1");
  }
  return written;
}

/** Decodes base64 text (bytes of a multiple-of-4 length) into `out` at `at`; returns the bytes written. */
export function decodeBase64Into(text: Buffer, out: Buffer, at: number): number {
  let written = 0;
  for (let i = 0; i < text.length; i += DECODE_SLICE) {
    written += out.write(text.toString("latin1", i, Math.min(i + DECODE_SLICE, text.length)), at + written, "base64");
  }
  return written;
}

const PLACEHOLDER = `sha256-${"A".repeat(43)}=`;
/** What precedes `data`'s value in a compact blob. */
export const DATA_MARKER = Buffer.from(',"data":"', "latin1");

/** The blob fields other than `data` and `integrity`, in file order. */
export type HeadFields = Omit<PersistedResultBlob, "integrity" | "data">;

/** A SHA-256 hash that has taken in the blob's canonical head and the newline: `data` goes next. */
export function hashHead(fields: HeadFields): ReturnType<typeof createHash> {
  const hash = createHash("sha256");
  hash.update(
    canonicalJson({
      cairn: fields.cairn,
      cairnVersion: fields.cairnVersion,
      createdAt: fields.createdAt,
      expiration: fields.expiration,
      serializer: fields.serializer,
    }),
    "utf8",
  );
  hash.update("\n", "utf8");
  return hash;
}

/** What a base64 blob is made of: the serializer's bytes and its config. */
export interface Base64BlobInput {
  serializer: SerializerConfig;
  bytes: Uint8Array;
  expiration: Date | null;
  createdAt?: Date;
}

/** Everything before `data`, with a placeholder where the integrity hash goes. */
export interface Base64BlobHead {
  fields: HeadFields;
  /** The file's text up to and including `"data":"`. */
  prefix: string;
  /** Its length in UTF-8 bytes. */
  prefixBytes: number;
  /** The byte offset of the integrity hash (a fixed-length string) in the prefix. */
  integrityAt: number;
}

/** The closing quote, brace and newline after `data`. */
export const BLOB_TAIL = Buffer.from('"}\n', "latin1");

/** Builds the head of a format-1 blob whose `data` is base64. */
export function base64BlobHead(input: Base64BlobInput): Base64BlobHead {
  const serializer = JSON.parse(JSON.stringify(input.serializer)) as SerializerConfig;
  const fields: HeadFields = {
    cairn: RESULT_BLOB_FORMAT_VERSION,
    serializer,
    expiration: input.expiration?.toISOString() ?? null,
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    cairnVersion: cairnVersion(),
  };
  const head = JSON.stringify({ ...fields, integrity: PLACEHOLDER });
  const prefix = `${head.slice(0, -1)},"data":"`;
  return {
    fields,
    prefix,
    prefixBytes: Buffer.byteLength(prefix, "utf8"),
    integrityAt: Buffer.byteLength(head.slice(0, head.indexOf(PLACEHOLDER)), "utf8"),
  };
}

/**
 * Writes the bytes of a format-1 blob whose `data` is `base64(bytes)`, without ever
 * building that base64 text as one string: it is encoded in chunks straight into the
 * output, and hashed from there. The output is byte for byte what
 * `encodePersistedResultBlob(PersistedResultBlob.create({ data: base64(bytes), ... }))` gives.
 *
 * @example
 * ```ts
 * const file = encodeBase64ResultBlob({ serializer: s.toConfig(), bytes: await s.dumpsBytes(v), expiration: null });
 * ```
 */
export function encodeBase64ResultBlob(input: Base64BlobInput): Uint8Array {
  return encodeBase64Blob(input).bytes;
}

/** Blobs with at most this many characters of base64 are hashed in one call, from a copy beside their header. */
const ONE_SHOT_HASH_MAX = 64 * 1024;
/** Where a small blob's hashed header and data are put side by side (reused: the encoder is synchronous). */
let hashScratch = Buffer.allocUnsafe(0);
/** `sha256-` and 44 characters of base64. */
const INTEGRITY_LENGTH = 51;
/** Between the integrity hash and `data`'s text. */
const BEFORE_DATA = '","data":"';

/**
 * {@link encodeBase64ResultBlob}, with the integrity hash it wrote into the head. The parts
 * of the head that depend only on the serializer's configuration come from
 * {@link blobHeadTemplate}; the base64 is encoded once, into the file, and hashed from there.
 */
export function encodeBase64Blob(input: Base64BlobInput): { bytes: Uint8Array; integrity: string } {
  const t = blobHeadTemplate(input.serializer);
  const encoding = t.ascii ? "latin1" : "utf8";
  const expiration = input.expiration === null ? "null" : `"${input.expiration.toISOString()}"`;
  const createdAt = input.createdAt === undefined ? isoTime(Date.now()) : input.createdAt.toISOString();
  const input8 = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  const dataLength = Math.ceil(input8.length / 3) * 4;
  const docHead = `${t.docStart}${expiration},"createdAt":"${createdAt}${t.docVersion}`;
  const prefixBytes = (t.ascii ? docHead.length : Buffer.byteLength(docHead, "utf8")) + INTEGRITY_LENGTH + BEFORE_DATA.length;
  const out = Buffer.allocUnsafe(prefixBytes + dataLength + BLOB_TAIL.length);
  encodeBase64Into(input8, out, prefixBytes);
  BLOB_TAIL.copy(out, prefixBytes + dataLength);
  const data = out.subarray(prefixBytes, prefixBytes + dataLength);
  const header = `${t.canonStart}"${createdAt}","expiration":${expiration}${t.canonEnd}`;
  let digest: string;
  if (dataLength <= ONE_SHOT_HASH_MAX) {
    const headerBytes = t.ascii ? header.length : Buffer.byteLength(header, "utf8");
    if (hashScratch.length < headerBytes + dataLength) hashScratch = Buffer.allocUnsafe(headerBytes + dataLength);
    hashScratch.write(header, 0, encoding);
    data.copy(hashScratch, headerBytes);
    digest = sha256Base64(hashScratch.subarray(0, headerBytes + dataLength));
  } else {
    digest = createHash("sha256").update(header, "utf8").update(data).digest("base64");
  }
  const integrity = `sha256-${digest}`;
  out.write(`${docHead}${integrity}${BEFORE_DATA}`, 0, encoding);
  return { bytes: out, integrity };
}

/** A blob read by {@link decodeBase64ResultBlob}: its fields, and its data decoded to bytes. */
export interface DecodedBase64Blob {
  fields: Omit<PersistedResultBlob, "data">;
  bytes: Uint8Array;
}

/**
 * Reads a blob in the compact form Cairn writes (`data` last, on one line) whose
 * serializer `wantsBytes` accepts, checking its shape and integrity hash on the raw
 * bytes and decoding `data` from base64 in chunks — never building the text. Returns
 * undefined for anything else (another layout, another version, a text serializer):
 * the caller then reads it the general way, which also reports what is wrong.
 */
export function decodeBase64ResultBlob(
  file: Uint8Array,
  source: ResultBlobSource,
  wantsBytes: (serializer: SerializerConfig) => boolean,
): DecodedBase64Blob | undefined {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const dataEnd = compactDataEnd(buf, buf.length);
  if (dataEnd === undefined) return undefined;
  const marker = buf.lastIndexOf(DATA_MARKER, dataEnd);
  if (marker < 0) return undefined;
  const dataStart = marker + DATA_MARKER.length;
  const fields = parseBase64BlobHead(buf, marker, wantsBytes);
  if (fields === undefined) return undefined;
  const data = buf.subarray(dataStart, dataEnd);
  if (data.length % 4 !== 0) return undefined;
  const computed = `sha256-${hashHead(fields).update(data).digest("base64")}`;
  checkIntegrity(fields.integrity, computed, source);
  const padding = data.length > 0 && data[data.length - 1] === 0x3d ? (data[data.length - 2] === 0x3d ? 2 : 1) : 0;
  const out = Buffer.allocUnsafe((data.length / 4) * 3 - padding);
  const at = decodeBase64Into(data, out, 0);
  return { fields, bytes: out.subarray(0, at) };
}

/**
 * Where `data` ends in a compact blob of `size` bytes whose last bytes are `tail` (at
 * least the last three, or the whole file): before the closing `"}` and optional newline.
 * Undefined when the file does not end that way.
 */
export function compactDataEnd(tail: Uint8Array, size: number): number | undefined {
  let end = tail.length;
  if (tail[end - 1] === 0x0a) end--;
  if (end < 2 || tail[end - 1] !== 0x7d || tail[end - 2] !== 0x22) return undefined;
  return size - (tail.length - end) - 2;
}

/** The head fields of a compact format-1 blob, from its bytes before `,"data":"` at `marker`, if its serializer `wantsBytes`. */
export function parseBase64BlobHead(
  buf: Buffer,
  marker: number,
  wantsBytes: (serializer: SerializerConfig) => boolean,
): Omit<PersistedResultBlob, "data"> | undefined {
  let head: Record<string, unknown>;
  try {
    head = JSON.parse(`${buf.toString("utf8", 0, marker)}}`) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (head["cairn"] !== RESULT_BLOB_FORMAT_VERSION || "data" in head) return undefined;
  const parsed = blobV1Schema.safeParse({ ...head, data: "" });
  if (!parsed.success || !wantsBytes(parsed.data.serializer)) return undefined;
  const { data: _unused, ...fields } = parsed.data;
  return fields;
}

/** Throws the integrity error unless the stored and computed hashes match. */
export function checkIntegrity(stored: string, computed: string, source: ResultBlobSource): void {
  if (computed !== stored) {
    throw new ResultIntegrityError(`its integrity hash does not match its content (stored ${stored}, computed ${computed})`, source);
  }
}
