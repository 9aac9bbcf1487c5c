// Tasks of bench/distributed.ts, loaded by its `cairn worker` processes (`--module` this file).
import { task } from "../../src/index.js";

/** A trivial task: the orchestration is all there is to measure. */
export const trivial = task((i: number) => i + 1);

/**
 * A fixed amount of CPU work: `rounds` rounds of a small hash loop (bench/distributed.ts
 * calibrates how many take ~20 ms here). A fixed amount, not a fixed time: two processes
 * sharing one core then take twice as long, as real CPU-bound tasks do.
 */
export const burn = task((rounds: number) => spin(rounds) !== 0);

/** The work of {@link burn}, callable directly (for calibration). */
export function spin(rounds: number): number {
  let x = 0x9e3779b9;
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < 1000; k++) x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + k) | 0;
  }
  return x | 1;
}

/** Returns `mb` MiB of bytes (not persisted: they travel as a transient blob through result storage). */
export const big = task((mb: number) => new Uint8Array(mb * 1024 * 1024).fill(mb));
