import type { PathReader, PathWriter } from "../../blocks/writable-file-system.js";
import type { SerializerConfig } from "../../serializers/serializer.js";
import {
  base64BlobHead,
  BLOB_TAIL,
  checkIntegrity,
  compactDataEnd,
  DATA_MARKER,
  decodeBase64Into,
  encodeBase64Into,
  hashHead,
  parseBase64BlobHead,
  type Base64BlobInput,
  type DecodedBase64Blob,
} from "./base64-blob.js";
import type { ResultBlobSource } from "./result-blob-source.js";
import { ResultIntegrityError } from "./result-integrity-error.js";

/** Bytes of serialized data per part when streaming (a multiple of 3: whole base64 quanta). */
const STREAM_CHUNK_BYTES = 3 * 256 * 1024;
/** The head of a compact blob (everything before `data`) is read from at most this many first bytes. */
const HEAD_MAX_BYTES = 64 * 1024;

/** Sizes of the parts, for tests that exercise part boundaries. */
export interface StreamPartOptions {
  /** Serialized bytes per part; rounded down to a multiple of 3 (at least 3). */
  chunkBytes?: number;
}

/**
 * Writes a format-1 blob whose `data` is `base64(input.bytes)` through `writer`, a few
 * megabytes at a time: each part is encoded, hashed and handed to the storage while the
 * next is encoded, and the head — which holds the hash — is written last, at offset 0.
 * The bytes written are exactly those of `encodeBase64ResultBlob(input)`, without ever
 * holding the whole file in memory. The caller commits or aborts the writer. Resolves to
 * the blob's integrity hash.
 *
 * @example
 * ```ts
 * const writer = await storage.openWriter!(key);
 * try { await writeBase64ResultBlob(writer, { serializer: s.toConfig(), bytes, expiration: null }); await writer.commit(); }
 * catch (err) { await writer.abort(); throw err; }
 * ```
 */
export async function writeBase64ResultBlob(writer: PathWriter, input: Base64BlobInput, options: StreamPartOptions = {}): Promise<string> {
  const head = base64BlobHead(input);
  const hash = hashHead(head.fields);
  const chunk = Math.max(3, Math.floor((options.chunkBytes ?? STREAM_CHUNK_BYTES) / 3) * 3);
  const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  // Two part buffers: one is being written by the storage while the other is filled.
  const parts = [Buffer.allocUnsafe((chunk / 3) * 4), Buffer.allocUnsafe((chunk / 3) * 4)] as const;
  const inFlight: [Promise<void> | undefined, Promise<void> | undefined] = [undefined, undefined];
  let position = head.prefixBytes;
  try {
    for (let i = 0, k = 0; i < bytes.length; i += chunk, k ^= 1) {
      await (k === 0 ? inFlight[0] : inFlight[1]);
      const part = k === 0 ? parts[0] : parts[1];
      const length = encodeBase64Into(bytes.subarray(i, i + chunk), part, 0);
      hash.update(part.subarray(0, length));
      const written = writer.write(part.subarray(0, length), position);
      written.catch(() => undefined); // observed when awaited below; not unhandled meanwhile
      inFlight[k === 0 ? 0 : 1] = written;
      position += length;
    }
    await Promise.all(inFlight);
  } catch (err) {
    await Promise.allSettled(inFlight);
    throw err;
  }
  await writer.write(BLOB_TAIL, position);
  const prefix = Buffer.from(head.prefix, "utf8");
  const integrity = `sha256-${hash.digest("base64")}`;
  prefix.write(integrity, head.integrityAt, "latin1");
  await writer.write(prefix, 0);
  return integrity;
}

/**
 * Reads a blob in the compact form Cairn writes through `reader`, a few megabytes at a
 * time: the next part is read while the current one is hashed and decoded into the
 * output, so the file is never held whole next to its decoded bytes. Same contract as
 * `decodeBase64ResultBlob`: undefined for another layout, version or a serializer that
 * `wantsBytes` refuses (read the general way then); a `ResultIntegrityError` naming the
 * key and storage when the hash does not match or the file ends early.
 *
 * @example
 * ```ts
 * const reader = await storage.openReader!(key);
 * try { const blob = await readBase64ResultBlob(reader, { key, storage }, wantsBytes); } finally { await reader.close(); }
 * ```
 */
export async function readBase64ResultBlob(
  reader: PathReader,
  source: ResultBlobSource,
  wantsBytes: (serializer: SerializerConfig) => boolean,
  options: StreamPartOptions = {},
): Promise<DecodedBase64Blob | undefined> {
  const size = reader.size;
  const head = await readExactly(reader, Buffer.allocUnsafe(Math.min(size, HEAD_MAX_BYTES)), 0, source);
  const tail = await readExactly(reader, Buffer.allocUnsafe(Math.min(size, BLOB_TAIL.length)), size - Math.min(size, BLOB_TAIL.length), source);
  const dataEnd = compactDataEnd(tail, size);
  if (dataEnd === undefined) return undefined;
  const found = findHead(head, wantsBytes);
  if (found === undefined) return undefined;
  const { fields, dataStart } = found;
  if (dataEnd < dataStart || (dataEnd - dataStart) % 4 !== 0) return undefined;

  const hash = hashHead(fields);
  const out = Buffer.allocUnsafe(((dataEnd - dataStart) / 4) * 3);
  const chunk = Math.max(1, Math.floor((options.chunkBytes ?? STREAM_CHUNK_BYTES) / 3)) * 4;
  const parts = [Buffer.allocUnsafe(Math.min(chunk, dataEnd - dataStart)), Buffer.allocUnsafe(Math.min(chunk, dataEnd - dataStart))] as const;
  const readPart = (k: 0 | 1, position: number): Promise<Buffer> => {
    const read = readExactly(reader, parts[k].subarray(0, Math.min(chunk, dataEnd - position)), position, source);
    read.catch(() => undefined); // observed when awaited; not unhandled while the current part is decoded
    return read;
  };
  let at = 0;
  let pending: Promise<Buffer> | undefined = dataEnd > dataStart ? readPart(0, dataStart) : undefined;
  try {
    for (let position = dataStart, k: 0 | 1 = 0; pending !== undefined; k = k === 0 ? 1 : 0) {
      const part: Buffer = await pending;
      position += part.length;
      pending = position < dataEnd ? readPart(k === 0 ? 1 : 0, position) : undefined;
      hash.update(part);
      at += decodeBase64Into(part, out, at);
    }
  } finally {
    await pending?.catch(() => undefined);
  }
  checkIntegrity(fields.integrity, `sha256-${hash.digest("base64")}`, source);
  return { fields, bytes: out.subarray(0, at) };
}

/** Reads the whole object behind `reader` (for blobs read the general way). */
export async function readWhole(reader: PathReader, source: ResultBlobSource): Promise<Buffer> {
  return readExactly(reader, Buffer.allocUnsafe(reader.size), 0, source);
}

/** The head fields and where `data` starts: the first `,"data":"` before which a valid head parses. */
function findHead(
  head: Buffer,
  wantsBytes: (serializer: SerializerConfig) => boolean,
): { fields: NonNullable<ReturnType<typeof parseBase64BlobHead>>; dataStart: number } | undefined {
  // A nested serializer option named "data" can put the marker inside the head too.
  for (let marker = head.indexOf(DATA_MARKER); marker >= 0; marker = head.indexOf(DATA_MARKER, marker + 1)) {
    const fields = parseBase64BlobHead(head, marker, wantsBytes);
    if (fields !== undefined) return { fields, dataStart: marker + DATA_MARKER.length };
  }
  return undefined;
}

/** Fills `into` from `position`; a file that ends first is refused as truncated. */
export async function readExactly(reader: PathReader, into: Buffer, position: number, source: ResultBlobSource): Promise<Buffer> {
  let done = 0;
  while (done < into.length) {
    const n = await reader.read(into, done, into.length - done, position + done);
    if (n === 0) {
      throw new ResultIntegrityError(
        `the file ended at byte ${position + done} while reading it (expected ${reader.size} bytes): it was truncated or replaced while being read`,
        source,
      );
    }
    done += n;
  }
  return into;
}
