import { createHash } from "node:crypto";
import { z } from "zod";
import type { PathWriter } from "../../blocks/writable-file-system.js";
import type { SerializerConfig } from "../../serializers/serializer.js";
import type { Base64BlobInput } from "./base64-blob.js";
import { cairnVersion } from "./cairn-version.js";
import { canonicalJson } from "./canonical-json.js";
import { RESULT_BLOB_FORMAT_VERSION, type PersistedResultBlob } from "./persisted-result-blob-fields.js";
import type { ResultBlobSource } from "./result-blob-source.js";
import { ResultIntegrityError } from "./result-integrity-error.js";

/** The `layout` value of a framed blob's head. */
export const FRAMED_LAYOUT = "framed";

/** A framed head is looked for in at most this many first bytes. */
export const FRAMED_HEAD_MAX_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const PLACEHOLDER = `sha256-${"A".repeat(43)}=`;
const isoDateTime = z.iso.datetime({ offset: true });

/** The head of a framed blob. Unknown fields are refused, as in the document layout. */
const framedHeadSchema = z.strictObject({
  cairn: z.literal(1),
  layout: z.literal(FRAMED_LAYOUT),
  serializer: z.looseObject({ type: z.string().min(1) }),
  expiration: isoDateTime.nullable(),
  createdAt: isoDateTime,
  cairnVersion: z.string().min(1),
  byteLength: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  integrity: z.string().regex(/^sha256-[A-Za-z0-9+/]{43}=$/, "expected sha256-<44 base64 characters>"),
});

/** The fields of a framed blob's head line. */
export type FramedHead = z.infer<typeof framedHeadSchema>;

/** A framed head without its integrity hash (what the hash covers, with the bytes). */
export type FramedHeadFields = Omit<FramedHead, "integrity">;

/**
 * A SHA-256 hash that has taken in a framed head's canonical JSON and the newline: the
 * raw bytes go next. `integrity = "sha256-" + base64(SHA-256(UTF-8(H) ‖ "\n" ‖ bytes))`,
 * H the RFC 8785 canonical JSON of every head field but `integrity`.
 */
export function hashFramedHead(fields: FramedHeadFields): ReturnType<typeof createHash> {
  const hash = createHash("sha256");
  hash.update(
    canonicalJson({
      byteLength: fields.byteLength,
      cairn: fields.cairn,
      cairnVersion: fields.cairnVersion,
      createdAt: fields.createdAt,
      expiration: fields.expiration,
      layout: fields.layout,
      serializer: fields.serializer,
    }),
    "utf8",
  );
  hash.update("\n", "utf8");
  return hash;
}

/** A framed head about to be written: its fields, and its line with a placeholder where the hash goes. */
interface PreparedHead {
  fields: FramedHeadFields;
  /** The head line and its newline, UTF-8, the integrity a placeholder. */
  line: Buffer;
  /** Where the 51-character integrity string starts in `line`. */
  integrityAt: number;
}

function prepareHead(input: Base64BlobInput): PreparedHead {
  const fields: FramedHeadFields = {
    cairn: RESULT_BLOB_FORMAT_VERSION,
    layout: FRAMED_LAYOUT,
    serializer: JSON.parse(JSON.stringify(input.serializer)) as SerializerConfig,
    expiration: input.expiration?.toISOString() ?? null,
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    cairnVersion: cairnVersion(),
    byteLength: input.bytes.byteLength,
  };
  const text = `${JSON.stringify({ ...fields, integrity: PLACEHOLDER })}\n`;
  return { fields, line: Buffer.from(text, "utf8"), integrityAt: Buffer.byteLength(text.slice(0, text.lastIndexOf(PLACEHOLDER)), "utf8") };
}

/** Bytes hashed between two yields to the event loop while a framed blob is written. */
const HASH_SLICE = 4 * 1024 * 1024;

/**
 * Writes a framed blob of `input.bytes` through `writer`: the raw bytes go to the storage
 * at once (after the head's fixed-length line), and are hashed meanwhile, a few megabytes
 * at a time with a turn of the event loop in between (so network uploads keep going);
 * the head line, which holds the hash, is written last at offset 0. Never copies the
 * bytes. The caller commits or aborts the writer. Resolves to the blob's integrity hash.
 *
 * @example
 * ```ts
 * const writer = await storage.openWriter!(key);
 * try { integrity = await writeFramedBlob(writer, { serializer: s.toConfig(), bytes, expiration: null }); await writer.commit(); }
 * catch (err) { await writer.abort(); throw err; }
 * ```
 */
export async function writeFramedBlob(writer: PathWriter, input: Base64BlobInput): Promise<string> {
  const head = prepareHead(input);
  const bytes = input.bytes;
  const written = bytes.byteLength === 0 ? Promise.resolve() : writer.write(bytes, head.line.length);
  written.catch(() => undefined); // awaited below; not unhandled while hashing
  const hash = hashFramedHead(head.fields);
  try {
    for (let i = 0; i < bytes.byteLength; i += HASH_SLICE) {
      hash.update(bytes.subarray(i, Math.min(i + HASH_SLICE, bytes.byteLength)));
      if (i + HASH_SLICE < bytes.byteLength) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    await written.catch(() => undefined);
  }
  await written;
  const integrity = `sha256-${hash.digest("base64")}`;
  head.line.write(integrity, head.integrityAt, "latin1");
  await writer.write(head.line, 0);
  return integrity;
}

/**
 * The bytes of a framed blob as one buffer (for storages that cannot write in parts):
 * the head line, then `input.bytes`. This copies the bytes once; prefer {@link writeFramedBlob}.
 *
 * @example
 * ```ts
 * const { file, integrity } = encodeFramedBlob({ serializer: { type: "msgpack" }, bytes, expiration: null });
 * ```
 */
export function encodeFramedBlob(input: Base64BlobInput): { file: Uint8Array; integrity: string } {
  const head = prepareHead(input);
  const integrity = `sha256-${hashFramedHead(head.fields).update(input.bytes).digest("base64")}`;
  head.line.write(integrity, head.integrityAt, "latin1");
  const file = Buffer.allocUnsafe(head.line.length + input.bytes.byteLength);
  head.line.copy(file, 0);
  file.set(input.bytes, head.line.length);
  return { file, integrity };
}

/** A framed head found at the start of a file: its fields and where the raw bytes start. */
export interface FoundFramedHead {
  head: FramedHead;
  /** The byte offset of the raw bytes (just after the head's newline). */
  dataStart: number;
}

/**
 * Finds a framed head at the start of `first` (the file's first bytes, up to
 * {@link FRAMED_HEAD_MAX_BYTES}). Undefined when the file is not framed: its first line
 * is no JSON object with a `layout` field (a document blob, one JSON object, never has
 * one). A first line that is such an object but not a valid head, or a size that does not
 * match `byteLength`, is a {@link ResultIntegrityError}.
 */
export function findFramedHead(first: Uint8Array, fileSize: number, source: ResultBlobSource): FoundFramedHead | undefined {
  const buf = Buffer.from(first.buffer, first.byteOffset, first.byteLength);
  if (buf[0] !== 0x7b) return undefined; // "{"
  const end = buf.indexOf(NEWLINE);
  if (end < 0) return undefined;
  // A document blob's first line is the whole document, or a pretty-printed "{":
  // only a line with a "layout" key can be a framed head.
  if (buf.indexOf('"layout"', 0, "latin1") < 0 || buf.indexOf('"layout"', 0, "latin1") > end) return undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(buf.toString("utf8", 0, end));
  } catch {
    return undefined;
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj) || !("layout" in obj)) return undefined;
  const head = parseFramedHead(obj as Record<string, unknown>, source);
  const dataStart = end + 1;
  checkFramedSize(head, dataStart, fileSize, source);
  return { head, dataStart };
}

/** Validates a framed head object (any format version handling is the caller's). */
export function parseFramedHead(obj: Record<string, unknown>, source: ResultBlobSource): FramedHead {
  if (obj["layout"] !== FRAMED_LAYOUT) {
    throw new ResultIntegrityError(`its head names the layout ${JSON.stringify(obj["layout"])}, and only "${FRAMED_LAYOUT}" exists`, source);
  }
  const parsed = framedHeadSchema.safeParse(obj);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ResultIntegrityError(`its framed head's fields are invalid (${fields.join("; ")})`, source);
  }
  return parsed.data;
}

/** The file must be exactly the head line and `byteLength` raw bytes. */
function checkFramedSize(head: FramedHead, dataStart: number, fileSize: number, source: ResultBlobSource): void {
  const have = fileSize - dataStart;
  if (have < head.byteLength) {
    throw new ResultIntegrityError(
      `it holds ${have} of the ${head.byteLength} bytes its framed head announces: it was truncated`,
      source,
    );
  }
  if (have > head.byteLength) {
    throw new ResultIntegrityError(
      `it has ${have - head.byteLength} bytes more than the ${head.byteLength} its framed head announces`,
      source,
    );
  }
}

/** Throws the integrity error unless the head's hash matches the computed one. */
export function checkFramedIntegrity(head: FramedHead, computed: string, source: ResultBlobSource): void {
  if (computed !== head.integrity) {
    throw new ResultIntegrityError(`its integrity hash does not match its content (stored ${head.integrity}, computed ${computed})`, source);
  }
}

/** A framed blob read whole: its head and its raw bytes (a view into the file). */
export interface DecodedFramedBlob {
  head: FramedHead;
  bytes: Uint8Array;
}

/**
 * Reads a framed blob held whole in memory, checking head, size and hash. Undefined when
 * the file is not framed (read it as a document then).
 *
 * @example
 * ```ts
 * const framed = decodeFramedBlob(await storage.readPath(key), { key, storage });
 * ```
 */
export function decodeFramedBlob(file: Uint8Array, source: ResultBlobSource): DecodedFramedBlob | undefined {
  const found = findFramedHead(file.subarray(0, FRAMED_HEAD_MAX_BYTES), file.byteLength, source);
  if (found === undefined) return undefined;
  const bytes = file.subarray(found.dataStart);
  const { integrity: _stored, ...fields } = found.head;
  checkFramedIntegrity(found.head, `sha256-${hashFramedHead(fields).update(bytes).digest("base64")}`, source);
  return { head: found.head, bytes };
}

/** A framed blob as a {@link PersistedResultBlob}: `data` is the base64 of its bytes. */
export function framedToBlob(framed: DecodedFramedBlob): PersistedResultBlob {
  const { head, bytes } = framed;
  return Object.freeze({
    cairn: head.cairn,
    serializer: head.serializer,
    expiration: head.expiration,
    createdAt: head.createdAt,
    cairnVersion: head.cairnVersion,
    integrity: head.integrity,
    data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"),
    layout: FRAMED_LAYOUT,
    byteLength: head.byteLength,
  });
}

/** Bytes per read when a framed blob is read in parts. */
const READ_PART_BYTES = 4 * 1024 * 1024;

/**
 * Reads the raw bytes of a framed blob through `reader`, given its first bytes `first`
 * (already read from offset 0) and the head found in them: the bytes land in one buffer
 * of exactly `byteLength`, read in parts, each part hashed while the next is read; the
 * hash is compared before anything is returned. A file that ends early (replaced or cut
 * while read) is refused like a truncated one.
 *
 * @example
 * ```ts
 * const first = ...; const found = findFramedHead(first, reader.size, source);
 * if (found) { const { bytes } = await readFramedBlob(reader, first, found, source); }
 * ```
 */
export async function readFramedBlob(
  reader: { readonly size: number; read(into: Uint8Array, offset: number, length: number, position: number): Promise<number> },
  first: Uint8Array,
  found: FoundFramedHead,
  source: ResultBlobSource,
): Promise<DecodedFramedBlob> {
  const { head, dataStart } = found;
  const { integrity: _stored, ...fields } = head;
  const hash = hashFramedHead(fields);
  const out = Buffer.allocUnsafe(head.byteLength);
  const already = Math.min(Math.max(0, first.byteLength - dataStart), head.byteLength);
  out.set(first.subarray(dataStart, dataStart + already), 0);
  hash.update(out.subarray(0, already));
  const readPart = (at: number): Promise<number> => {
    const length = Math.min(READ_PART_BYTES, head.byteLength - at);
    const read = fill(reader, out, at, length, dataStart + at, source);
    read.catch(() => undefined); // awaited in turn; not unhandled meanwhile
    return read;
  };
  let at = already;
  let pending: Promise<number> | undefined = at < head.byteLength ? readPart(at) : undefined;
  try {
    while (pending !== undefined) {
      const length = await pending;
      const start = at;
      at += length;
      pending = at < head.byteLength ? readPart(at) : undefined;
      hash.update(out.subarray(start, at));
    }
  } finally {
    await pending?.catch(() => undefined);
  }
  checkFramedIntegrity(head, `sha256-${hash.digest("base64")}`, source);
  return { head, bytes: out };
}

/** Reads exactly `length` bytes into `out` at `at` from `position`; a file that ends first is truncated. */
async function fill(
  reader: { readonly size: number; read(into: Uint8Array, offset: number, length: number, position: number): Promise<number> },
  out: Buffer,
  at: number,
  length: number,
  position: number,
  source: ResultBlobSource,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await reader.read(out, at + done, length - done, position + done);
    if (n === 0) {
      throw new ResultIntegrityError(
        `the file ended at byte ${position + done} while reading it (expected ${reader.size} bytes): it was truncated or replaced while being read`,
        source,
      );
    }
    done += n;
  }
  return length;
}
