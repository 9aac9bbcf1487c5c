import type { SerializerConfig } from "../../serializers/serializer.js";
import { cairnVersion } from "./cairn-version.js";
import { canonicalJson } from "./canonical-json.js";
import { RESULT_BLOB_FORMAT_VERSION } from "./persisted-result-blob-fields.js";

/**
 * The parts of a format-1 document blob's text, and of the canonical header its integrity
 * hash covers, that depend only on the serializer's configuration (and this Cairn's
 * version): built once per configuration, so that writing a small blob only fills in its
 * two dates and its hash.
 *
 * A blob's document prefix (everything before `data`'s text) is
 * `docStart + E + ',"createdAt":"' + C + '","cairnVersion":' + V + ',"integrity":"' + I + '","data":"'`
 * and the hashed header is `canonStart + '"' + C + '","expiration":' + E + canonEnd`,
 * with `E` the expiration as JSON (`null` or a quoted ISO date), `C` the creation date,
 * `V` the version as JSON and `I` the hash — exactly the text `JSON.stringify` and
 * `canonicalJson` give for the whole objects (docs/result-blob.md).
 */
export interface BlobHeadTemplate {
  /** The configuration as it reads back from JSON (what the hash covers). */
  readonly serializer: SerializerConfig;
  /** `{"cairn":1,"serializer":{...},"expiration":`. */
  readonly docStart: string;
  /** `","cairnVersion":"x.y.z","integrity":"`, between the creation date and the hash. */
  readonly docVersion: string;
  /** `{"cairn":1,"cairnVersion":"x.y.z","createdAt":`. */
  readonly canonStart: string;
  /** `,"serializer":{canonical config}}` and the newline that separates the header from `data`. */
  readonly canonEnd: string;
  /** Whether the configuration's JSON is plain ASCII (the common case): then text length is byte length. */
  readonly ascii: boolean;
}

/** Templates kept at most (configurations are few; a process making new ones forever starts over). */
const MAX_TEMPLATES = 64;
const templates = new Map<string, BlobHeadTemplate>();
// eslint-disable-next-line no-control-regex -- the ASCII range is the point
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The template for a serializer configuration (`serializer.toConfig()`), from a cache keyed
 * by the configuration's JSON text, so a configuration changed since never gets a stale one.
 *
 * @example
 * ```ts
 * const t = blobHeadTemplate({ type: "msgpack" });
 * t.docStart; // '{"cairn":1,"serializer":{"type":"msgpack"},"expiration":'
 * ```
 */
export function blobHeadTemplate(config: SerializerConfig): BlobHeadTemplate {
  const text = JSON.stringify(config);
  let template = templates.get(text);
  if (template === undefined) {
    const serializer = JSON.parse(text) as SerializerConfig;
    const version = JSON.stringify(cairnVersion());
    const docStart = `{"cairn":${RESULT_BLOB_FORMAT_VERSION},"serializer":${JSON.stringify(serializer)},"expiration":`;
    const canonEnd = `,"serializer":${canonicalJson(serializer)}}\n`;
    template = {
      serializer,
      docStart,
      docVersion: `","cairnVersion":${version},"integrity":"`,
      canonStart: `{"cairn":${RESULT_BLOB_FORMAT_VERSION},"cairnVersion":${version},"createdAt":`,
      canonEnd,
      ascii: !NON_ASCII.test(docStart) && !NON_ASCII.test(canonEnd) && !NON_ASCII.test(version),
    };
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    templates.set(text, template);
  }
  return template;
}
