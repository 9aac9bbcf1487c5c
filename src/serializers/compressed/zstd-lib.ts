import { createRequire } from "node:module";
import { ConfigurationError } from "../../errors/configuration-error.js";
import type { CompressionLib } from "./compression-lib.js";

interface ZstdModule {
  compress(data: Uint8Array, parameters?: { compressionLevel?: number }): Buffer;
  decompress(data: Uint8Array): Buffer;
}

let zstd: ZstdModule | undefined;

/** Loads the native zstd binding on first use, so that a missing build fails only zstd users. */
function load(): ZstdModule {
  if (zstd !== undefined) return zstd;
  try {
    zstd = createRequire(import.meta.url)("zstd-napi") as ZstdModule;
  } catch (err) {
    throw new ConfigurationError(
      'The "zstd" compression library is not available: the zstd-napi package could not be loaded ' +
        `(${err instanceof Error ? err.message : String(err)}). Reinstall it (npm rebuild zstd-napi), ` +
        'or choose another compressionlib such as "gzip".',
      { cause: err },
    );
  }
  return zstd;
}

/**
 * Zstandard through zstd-napi (Node 20's zlib has no zstd).
 * @default level 3
 */
export const zstdLib: CompressionLib = {
  compress: (data, level) => load().compress(data, { compressionLevel: level ?? 3 }),
  decompress: (data) => load().decompress(data),
  levels: { min: -131072, max: 22 },
};
