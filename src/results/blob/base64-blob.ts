import { createHash } from "node:crypto";
import type { SerializerConfig } from "../../serializers/serializer.js";
import { blobV1Schema } from "./blob-v1.js";
import { cairnVersion } from "./cairn-version.js";
import { canonicalJson } from "./canonical-json.js";
import { RESULT_BLOB_FORMAT_VERSION, type PersistedResultBlob } from "./persisted-result-blob-fields.js";
import type { ResultBlobSource } from "./result-blob-source.js";
import { ResultIntegrityError } from "./result-integrity-error.js";

// Multiples of 3 bytes (4 base64 characters): chunked base64 equals whole-buffer base64.
const ENCODE_CHUNK = 3 * 256 * 1024;
const DECODE_CHUNK = 4 * 256 * 1024;
const PLACEHOLDER = `sha256-${"A".repeat(43)}=`;
const DATA_MARKER = Buffer.from(',"data":"', "latin1");

/** The blob fields other than `data` and `integrity`, in file order. */
type HeadFields = Omit<PersistedResultBlob, "integrity" | "data">;

function hashHead(fields: HeadFields): ReturnType<typeof createHash> {
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
export function encodeBase64ResultBlob(input: {
  serializer: SerializerConfig;
  bytes: Uint8Array;
  expiration: Date | null;
  createdAt?: Date;
}): Uint8Array {
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
  const prefixBytes = Buffer.byteLength(prefix, "utf8");
  const input8 = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  const dataLength = Math.ceil(input8.length / 3) * 4;
  const out = Buffer.allocUnsafe(prefixBytes + dataLength + 3);
  out.write(prefix, 0, "utf8");
  let at = prefixBytes;
  for (let i = 0; i < input8.length; i += ENCODE_CHUNK) {
    at += out.write(input8.subarray(i, i + ENCODE_CHUNK).toString("base64"), at, "latin1");
  }
  out[at++] = 0x22; // "
  out[at++] = 0x7d; // }
  out[at] = 0x0a; // newline
  const integrity = `sha256-${hashHead(fields).update(out.subarray(prefixBytes, prefixBytes + dataLength)).digest("base64")}`;
  const integrityAt = Buffer.byteLength(head.slice(0, head.indexOf(PLACEHOLDER)), "utf8");
  out.write(integrity, integrityAt, "latin1");
  return out;
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
  let end = buf.length;
  if (buf[end - 1] === 0x0a) end--;
  if (end < 2 || buf[end - 1] !== 0x7d || buf[end - 2] !== 0x22) return undefined;
  const dataEnd = end - 2;
  const marker = buf.lastIndexOf(DATA_MARKER, dataEnd);
  if (marker < 0) return undefined;
  const dataStart = marker + DATA_MARKER.length;
  let head: Record<string, unknown>;
  try {
    head = JSON.parse(`${buf.toString("utf8", 0, marker)}}`) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (head["cairn"] !== RESULT_BLOB_FORMAT_VERSION || "data" in head) return undefined;
  const parsed = blobV1Schema.safeParse({ ...head, data: "" });
  if (!parsed.success) return undefined;
  const fields = parsed.data;
  if (!wantsBytes(fields.serializer)) return undefined;
  const data = buf.subarray(dataStart, dataEnd);
  if (data.length % 4 !== 0) return undefined;
  const computed = `sha256-${hashHead(fields).update(data).digest("base64")}`;
  if (computed !== fields.integrity) {
    throw new ResultIntegrityError(
      `its integrity hash does not match its content (stored ${fields.integrity}, computed ${computed})`,
      source,
    );
  }
  const padding = data.length > 0 && data[data.length - 1] === 0x3d ? (data[data.length - 2] === 0x3d ? 2 : 1) : 0;
  const out = Buffer.allocUnsafe((data.length / 4) * 3 - padding);
  let at = 0;
  for (let i = 0; i < data.length; i += DECODE_CHUNK) {
    at += out.write(data.toString("latin1", i, Math.min(i + DECODE_CHUNK, data.length)), at, "base64");
  }
  const { data: _unused, ...rest } = fields;
  return { fields: rest, bytes: out.subarray(0, at) };
}
