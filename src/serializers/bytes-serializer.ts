import type { Serializer } from "./serializer.js";

/**
 * A serializer that can also produce and read raw bytes, skipping the text form.
 *
 * Binary serializers implement it so that wrappers (the compressed serializer) do
 * not base64-encode twice: `dumps(v)` is `base64(dumpsBytes(v))` for a binary format
 * and `utf8(dumpsBytes(v))` for a text one.
 *
 * @example
 * ```ts
 * if (isBytesSerializer(s)) {
 *   const bytes = await s.dumpsBytes(value);
 * }
 * ```
 */
export interface BytesSerializer<T = unknown> extends Serializer<T> {
  /** Serializes a value to bytes. */
  dumpsBytes(value: T): Uint8Array | Promise<Uint8Array>;
  /** Deserializes bytes produced by {@link BytesSerializer.dumpsBytes}. */
  loadsBytes(bytes: Uint8Array): T | Promise<T>;
  /**
   * `"base64"`: `dumps(v)` is exactly `base64(dumpsBytes(v))`; `"utf8"`: it is the UTF-8
   * decoding of the bytes. Lets result blobs be written and read without building the text.
   */
  readonly dataEncoding?: "base64" | "utf8";
}

/**
 * Returns true when `serializer` has the {@link BytesSerializer} fast path.
 *
 * @example
 * ```ts
 * isBytesSerializer(new MsgpackSerializer()); // true
 * ```
 */
export function isBytesSerializer<T>(serializer: Serializer<T>): serializer is BytesSerializer<T> {
  const s = serializer as Partial<BytesSerializer<T>>;
  return typeof s.dumpsBytes === "function" && typeof s.loadsBytes === "function";
}

/** Serializes to bytes through the fast path when there is one, else as the UTF-8 of `dumps`. */
export async function dumpsToBytes<T>(serializer: Serializer<T>, value: T): Promise<Uint8Array> {
  if (isBytesSerializer(serializer)) return serializer.dumpsBytes(value);
  return Buffer.from(await serializer.dumps(value), "utf8");
}

/** The inverse of {@link dumpsToBytes}. */
export async function loadsFromBytes<T>(serializer: Serializer<T>, bytes: Uint8Array): Promise<T> {
  if (isBytesSerializer(serializer)) return serializer.loadsBytes(bytes);
  return serializer.loads(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
}
