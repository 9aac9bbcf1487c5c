/** How many bytes of an object {@link looksLikeResultBlob} needs. */
export const RESULT_BLOB_HEAD_BYTES = 64;

const HEAD = /^\s*\{\s*"cairn"\s*:\s*\d/;

/**
 * True when `head` (the first bytes of an object) starts the way Cairn writes every result
 * blob, plain or framed: `{"cairn":<format version>` (docs/result-blob.md). The orphan sweep
 * deletes only such objects, so files that merely share a storage location with results are
 * left alone.
 *
 * @example
 * ```ts
 * looksLikeResultBlob(new TextEncoder().encode('{"cairn":1,"serializer":{')); // true
 * looksLikeResultBlob(new TextEncoder().encode("name,age\n"));               // false
 * ```
 */
export function looksLikeResultBlob(head: Uint8Array): boolean {
  return HEAD.test(Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, RESULT_BLOB_HEAD_BYTES)).toString("latin1"));
}
