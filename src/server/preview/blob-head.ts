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
 * Reads the head fields of a blob for display, from its first bytes, without checking
 * anything (the checks are the SDK reader's): the first line of the file is the whole
 * JSON document (its `data` last, so a prefix cut before `"data"` holds every head
 * field), or the head line of a framed blob. Undefined when no head can be read.
 *
 * @example
 * ```ts
 * readBlobHead(bytes)?.serializer; // "json"
 * ```
 */
export function readBlobHead(bytes: Uint8Array): BlobHead | undefined {
  let end = bytes.indexOf(0x0a);
  if (end < 0) end = bytes.length;
  const line = utf8.decode(bytes.subarray(0, end));
  let head: Record<string, unknown>;
  try {
    head = JSON.parse(line) as Record<string, unknown>;
  } catch {
    const data = line.indexOf(',"data":');
    if (data < 0) return undefined;
    try {
      head = JSON.parse(`${line.slice(0, data)}}`) as Record<string, unknown>;
    } catch {
      return undefined;
    }
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
