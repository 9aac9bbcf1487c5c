import { randomFillSync } from "node:crypto";

const POOL_SIZE = 4096;

/**
 * Cryptographically random bytes, refilled 4 KiB at a time: one call into the OS's
 * generator per few hundred ids instead of one per id (a fresh `randomBytes(16)` costs
 * ~2.5 µs here; a slice of the pool a few nanoseconds). Read it at the offset
 * {@link takeRandomBytes} returns, before the next call.
 */
export const randomPool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** Lowercase two-digit hex of every byte value. */
export const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Reserves `count` (at most 4096) unused random bytes of {@link randomPool} and returns
 * their offset.
 */
export function takeRandomBytes(count: number): number {
  if (offset + count > POOL_SIZE) {
    randomFillSync(randomPool);
    offset = 0;
  }
  const at = offset;
  offset += count;
  return at;
}

/**
 * `count` random bytes as lowercase hex (`2 * count` characters).
 *
 * @example
 * ```ts
 * randomHex(16); // "9f1c0b7e5a2d4c3b8e6f1a0d2c4b6e8f"
 * ```
 */
export function randomHex(count: number): string {
  const at = takeRandomBytes(count);
  let out = "";
  for (let i = at; i < at + count; i++) out += HEX_BYTE[randomPool[i]!]!;
  return out;
}
