import type { SerializerConfig } from "../../serializers/serializer.js";

/** The result blob format version this Cairn writes (the `cairn` field). */
export const RESULT_BLOB_FORMAT_VERSION = 1;

/**
 * A result blob: the content of one persisted result's file or object, in the current
 * format (older formats are upgraded when parsed). See `docs/result-blob.md`.
 *
 * @example
 * ```ts
 * const blob: PersistedResultBlob = PersistedResultBlob.parse(JSON.parse(text));
 * const value = await resolveSerializer(blob.serializer).loads(blob.data);
 * ```
 */
export interface PersistedResultBlob {
  /** The blob format version. */
  readonly cairn: typeof RESULT_BLOB_FORMAT_VERSION;
  /** The serializer's full configuration, with its `type`; `resolveSerializer` rebuilds it. */
  readonly serializer: SerializerConfig;
  /** When the result expires (ISO 8601), or null for never. */
  readonly expiration: string | null;
  /** When the blob was made (ISO 8601, UTC). */
  readonly createdAt: string;
  /** The version of the Cairn package that wrote the blob. */
  readonly cairnVersion: string;
  /** `sha256-<base64>` over the other fields (see `docs/result-blob.md`). */
  readonly integrity: string;
  /** What `serializer.dumps(value)` returned: text for JSON, base64 for binary formats. */
  readonly data: string;
  /** `"framed"` for a blob stored framed (a JSON head line, then the raw bytes of `data`); absent for one JSON document. */
  readonly layout?: "framed";
  /** For a framed blob: how many raw bytes follow its head line. */
  readonly byteLength?: number;
}
