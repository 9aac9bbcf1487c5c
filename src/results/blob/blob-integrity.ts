import { createHash } from "node:crypto";
import type { PersistedResultBlob } from "./persisted-result-blob-fields.js";
import { canonicalJson } from "./canonical-json.js";

/** The fields the integrity hash covers: every field of the blob but `integrity`. */
export type HashedFields = Omit<PersistedResultBlob, "integrity">;

/**
 * The integrity hash of a format-1 blob:
 * `"sha256-" + base64(SHA-256(canonicalJson(header) + "\n" + data))`, where `header`
 * is `{ cairn, cairnVersion, createdAt, expiration, serializer }` in RFC 8785 canonical
 * JSON and both parts are UTF-8. `data` is hashed as is (not JSON-escaped), streamed
 * into the hash without building another copy of the blob.
 *
 * @example
 * ```ts
 * const integrity = computeIntegrityV1({ cairn: 1, serializer, expiration: null, createdAt, cairnVersion, data });
 * ```
 */
export function computeIntegrityV1(fields: HashedFields): string {
  const header = canonicalJson({
    cairn: fields.cairn,
    cairnVersion: fields.cairnVersion,
    createdAt: fields.createdAt,
    expiration: fields.expiration,
    serializer: fields.serializer,
  });
  const hash = createHash("sha256");
  hash.update(header, "utf8");
  hash.update("\n", "utf8");
  hash.update(fields.data, "utf8");
  return `sha256-${hash.digest("base64")}`;
}
