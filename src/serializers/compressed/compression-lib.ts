/**
 * A compression library for the {@link CompressedSerializer}: bytes in, bytes out.
 *
 * @example
 * ```ts
 * const identity: CompressionLib = { compress: (b) => b, decompress: (b) => b };
 * registerCompressionLib("identity", identity);
 * ```
 */
export interface CompressionLib {
  /** Compresses `data`; `level` is the configured level, or undefined for the library's default. */
  compress(data: Uint8Array, level?: number): Uint8Array | Promise<Uint8Array>;
  /** Decompresses what {@link CompressionLib.compress} produced; throws on corrupt data. */
  decompress(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** The levels the library accepts, checked when a serializer is configured. @default any number */
  levels?: { min: number; max: number } | undefined;
}
