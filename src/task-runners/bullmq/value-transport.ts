import type { WritableFileSystem } from "../../blocks/writable-file-system.js";
import { encodeBase64ResultBlob } from "../../results/blob/base64-blob.js";
import { readPersistedValue } from "../../results/read-persisted-value.js";
import { encodePersistedResultBlob, PersistedResultBlob } from "../../results/result-blob.js";
import { isBytesSerializer, type Serializer } from "../../serializers/index.js";
import { randomHex } from "../../utils/random-pool.js";

/**
 * A value as it travels between a flow and a worker: inline in the job (its serialized
 * text, up to the inline bound), or the key of a transient result blob in the run's
 * result storage (removed once read), or a persisted result's key (never removed here).
 */
export type WireValue =
  | { readonly inline: string }
  | { readonly transient: string }
  | { readonly persisted: string; readonly integrity?: string };

/** Where transient blobs go in the result storage. */
export const TRANSIENT_PREFIX = "cairn-transient/";

/**
 * Moves values between processes through a job (small ones) or the result storage (large
 * ones), with the run's serializer. Transient blobs are ordinary result blobs (integrity
 * hash included), so a reader checks them like any result.
 *
 * @example
 * ```ts
 * const transport = new ValueTransport(storage, serializer, 256 * 1024);
 * const wire = await transport.encode(value);       // { inline } or { transient }
 * const back = await transport.decode(wire);
 * ```
 */
export class ValueTransport {
  constructor(
    readonly storage: WritableFileSystem,
    readonly serializer: Serializer,
    /** Serialized values longer than this (in characters of their text form) go through storage. */
    readonly inlineMaxBytes: number,
  ) {}

  /** Serializes `value`: inline when small, else written as a transient blob. */
  async encode(value: unknown): Promise<WireValue> {
    const serializer = this.serializer;
    if (isBytesSerializer(serializer) && serializer.dataEncoding === "base64") {
      const bytes = await serializer.dumpsBytes(value);
      // base64 text is 4/3 of the bytes: that is what would travel.
      if (Math.ceil(bytes.byteLength / 3) * 4 <= this.inlineMaxBytes) {
        return { inline: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64") };
      }
      const key = transientKey();
      await this.storage.writePath(key, encodeBase64ResultBlob({ serializer: serializer.toConfig(), bytes, expiration: null }));
      return { transient: key };
    }
    const data = await serializer.dumps(value);
    if (Buffer.byteLength(data, "utf8") <= this.inlineMaxBytes) return { inline: data };
    const key = transientKey();
    await this.storage.writePath(key, encodePersistedResultBlob(PersistedResultBlob.create({ serializer, data, expiration: null })));
    return { transient: key };
  }

  /** The value back (a transient blob is left in place: see {@link ValueTransport.remove}). */
  async decode(wire: WireValue): Promise<unknown> {
    if ("inline" in wire) return this.serializer.loads(wire.inline);
    if ("transient" in wire) return readPersistedValue(this.storage, wire.transient);
    return readPersistedValue(this.storage, wire.persisted, { expectedIntegrity: wire.integrity });
  }

  /** Deletes the transient blob behind `wire`, if it has one (persisted results stay). */
  async remove(wire: WireValue): Promise<void> {
    if ("transient" in wire) await this.storage.deletePath?.(wire.transient);
  }
}

function transientKey(): string {
  return `${TRANSIENT_PREFIX}${randomHex(16)}`;
}
