import { ConfigurationError } from "../../errors/configuration-error.js";
import type { CompressionLib } from "./compression-lib.js";
import { brotliLib, gzipLib, zlibDeflateLib } from "./zlib-libs.js";
import { zstdLib } from "./zstd-lib.js";

/** The built-in compression libraries. */
export const BUILT_IN_COMPRESSION_LIBS = ["zlib", "gzip", "brotli", "zstd"] as const;

/**
 * The compression library of `"compressed/<type>"` and of a `CompressedSerializer` that
 * names none; chosen by measurement (docs/serializers.md).
 * @default "zstd"
 */
export const DEFAULT_COMPRESSION_LIB = "zstd";

const NAME = /^[a-z0-9][a-z0-9._-]*$/i;

const libs = new Map<string, CompressionLib>([
  ["zlib", zlibDeflateLib],
  ["gzip", gzipLib],
  ["brotli", brotliLib],
  ["zstd", zstdLib],
]);

/**
 * Registers a compression library under `name`, for `CompressedSerializer({ compressionlib: name })`
 * and for reading blobs that name it. Register it in every process that reads such blobs.
 *
 * @example
 * ```ts
 * import { compress, decompress } from "some-lz4-binding";
 * registerCompressionLib("lz4", { compress: (b) => compress(b), decompress: (b) => decompress(b) });
 * const s = new CompressedSerializer({ serializer: "msgpack", compressionlib: "lz4" });
 * ```
 * @throws ConfigurationError for a built-in name, a malformed name or a library without compress/decompress
 */
export function registerCompressionLib(name: string, lib: CompressionLib): void {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new ConfigurationError(
      `Cannot register compression library ${JSON.stringify(name)}: use letters, digits, ".", "_" and "-".`,
    );
  }
  if ((BUILT_IN_COMPRESSION_LIBS as readonly string[]).includes(name)) {
    throw new ConfigurationError(`Cannot register compression library "${name}": it is built in. Choose another name.`);
  }
  if (typeof lib?.compress !== "function" || typeof lib.decompress !== "function") {
    throw new ConfigurationError(
      `Cannot register compression library "${name}": it needs compress(bytes) and decompress(bytes) functions.`,
    );
  }
  libs.set(name, lib);
}

/**
 * Removes a library registered with {@link registerCompressionLib}; returns whether there was one.
 * Built-in libraries cannot be removed.
 *
 * @example
 * ```ts
 * unregisterCompressionLib("lz4"); // true
 * ```
 */
export function unregisterCompressionLib(name: string): boolean {
  if ((BUILT_IN_COMPRESSION_LIBS as readonly string[]).includes(name)) return false;
  return libs.delete(name);
}

/**
 * The names of the known compression libraries, built-in first.
 *
 * @example
 * ```ts
 * compressionLibNames(); // ["zlib", "gzip", "brotli", "zstd", ...registered]
 * ```
 */
export function compressionLibNames(): string[] {
  return [...libs.keys()];
}

/**
 * The library registered under `name`.
 *
 * @example
 * ```ts
 * const bytes = await getCompressionLib("gzip").compress(Buffer.from("hello"));
 * ```
 * @throws ConfigurationError naming the known libraries when there is none
 */
export function getCompressionLib(name: string): CompressionLib {
  const lib = typeof name === "string" ? libs.get(name) : undefined;
  if (lib === undefined) {
    throw new ConfigurationError(
      `Unknown compression library ${JSON.stringify(name)}. Known: ${compressionLibNames().join(", ")}. ` +
        "Register a custom one with registerCompressionLib(name, { compress, decompress }).",
    );
  }
  return lib;
}
