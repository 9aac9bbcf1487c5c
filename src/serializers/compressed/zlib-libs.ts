import { promisify } from "node:util";
import * as zlib from "node:zlib";
import type { CompressionLib } from "./compression-lib.js";

/** Inputs from this size on are (de)compressed on the thread pool; smaller ones inline. */
const ASYNC_FROM_BYTES = 64 * 1024;

/**
 * The brotli quality used when none is configured: a balance of ratio and speed
 * (brotli's own default, 11, is far slower for little gain; see docs/serializers.md).
 * @default 5
 */
export const DEFAULT_BROTLI_QUALITY = 5;

type Sync = (data: Uint8Array, options?: object) => Buffer;
type Async = (data: Uint8Array, options?: object) => Promise<Buffer>;

function zlibLib(
  compressSync: Sync,
  compressAsync: Async,
  decompressSync: Sync,
  decompressAsync: Async,
  options: (level: number | undefined, size: number) => object,
  levels: { min: number; max: number },
): CompressionLib {
  return {
    compress: (data, level) =>
      data.byteLength < ASYNC_FROM_BYTES
        ? compressSync(data, options(level, data.byteLength))
        : compressAsync(data, options(level, data.byteLength)),
    decompress: (data) => (data.byteLength < ASYNC_FROM_BYTES / 4 ? decompressSync(data) : decompressAsync(data)),
    levels,
  };
}

const deflateLevel = (level: number | undefined): object => (level === undefined ? {} : { level });

/** zlib (deflate with the zlib header). @default level 6 */
export const zlibDeflateLib = zlibLib(
  zlib.deflateSync,
  promisify(zlib.deflate) as Async,
  zlib.inflateSync,
  promisify(zlib.inflate) as Async,
  deflateLevel,
  { min: -1, max: 9 },
);

/** gzip. @default level 6 */
export const gzipLib = zlibLib(
  zlib.gzipSync,
  promisify(zlib.gzip) as Async,
  zlib.gunzipSync,
  promisify(zlib.gunzip) as Async,
  deflateLevel,
  { min: -1, max: 9 },
);

/** Brotli. @default quality {@link DEFAULT_BROTLI_QUALITY} */
export const brotliLib = zlibLib(
  zlib.brotliCompressSync,
  promisify(zlib.brotliCompress) as Async,
  zlib.brotliDecompressSync,
  promisify(zlib.brotliDecompress) as Async,
  (level, size) => ({
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: level ?? DEFAULT_BROTLI_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size,
    },
  }),
  { min: 0, max: 11 },
);
