/** The fields of a result blob shown next to its preview (everything but the data). */
export interface BlobHead {
  /** The format version (`cairn`). */
  formatVersion: number | null;
  /** The serializer's type, e.g. `"msgpack"`. */
  serializer: string | null;
  createdAt: string | null;
  expiration: string | null;
  cairnVersion: string | null;
  /** The blob's integrity hash, `"sha256-..."`. */
  integrity: string | null;
  /** `"framed"` for a large binary blob (a JSON head line, then raw bytes); `"json"` for one JSON document. */
  layout: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * Reads the head fields of a blob for display, without checking anything (the checks are
 * the SDK reader's): the first line of the file is the whole JSON document, or the head of
 * a framed blob. Undefined when that line is not a JSON object.
 *
 * @example
 * ```ts
 * readBlobHead(bytes)?.serializer; // "json"
 * ```
 */
export function readBlobHead(bytes: Uint8Array): BlobHead | undefined {
  let end = bytes.indexOf(0x0a);
  if (end < 0) end = bytes.length;
  let head: Record<string, unknown>;
  try {
    head = JSON.parse(utf8.decode(bytes.subarray(0, end))) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (head === null || typeof head !== "object" || Array.isArray(head)) return undefined;
  const text = (v: unknown): string | null => (typeof v === "string" ? v : null);
  const serializer = head["serializer"];
  return {
    formatVersion: typeof head["cairn"] === "number" ? head["cairn"] : null,
    serializer: serializer !== null && typeof serializer === "object" ? text((serializer as Record<string, unknown>)["type"]) : null,
    createdAt: text(head["createdAt"]),
    expiration: text(head["expiration"]),
    cairnVersion: text(head["cairnVersion"]),
    integrity: text(head["integrity"]),
    layout: text(head["layout"]) ?? "json",
  };
}
