/**
 * How big a reliability suite runs. `npm test` runs every suite in test/reliability at a
 * small seeded size; `npm run reliability` sets `CAIRN_RELIABILITY_FULL=1` for the sizes
 * the issue asks for (docs/reliability.md). `CAIRN_RELIABILITY_SEED` replays a run.
 */

/** Whether the full-size suites were asked for (`npm run reliability`). */
export const RELIABILITY_FULL = process.env.CAIRN_RELIABILITY_FULL === "1";

/** The seed of this run's random choices: `CAIRN_RELIABILITY_SEED`, else a fixed default. */
export const RELIABILITY_SEED = Number(process.env.CAIRN_RELIABILITY_SEED ?? 20261203) >>> 0;

/**
 * The size of a suite: `full` under `npm run reliability`, `quick` in `npm test`;
 * `CAIRN_RELIABILITY_N` overrides both.
 */
export function reliabilityN(full: number, quick: number): number {
  const forced = Number(process.env.CAIRN_RELIABILITY_N);
  if (Number.isInteger(forced) && forced > 0) return forced;
  return RELIABILITY_FULL ? full : quick;
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number = RELIABILITY_SEED): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
