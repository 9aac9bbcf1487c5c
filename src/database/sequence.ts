/**
 * A process-wide, strictly increasing sequence that also follows the clock:
 * microseconds since the epoch, bumped by one when two values fall in the same
 * microsecond. States and log lines are ordered by it, so a run's history reads
 * back in recording order within a process, and in time order across processes
 * (e.g. a CRASHED state written by another process after the owner died).
 */
let last = 0;

/**
 * Reserves `count` consecutive sequence values and returns the first.
 *
 * @example
 * ```ts
 * const first = reserveSequence(3); // first, first + 1, first + 2 are yours
 * ```
 */
export function reserveSequence(count: number): number {
  const now = Date.now() * 1000;
  const first = now > last ? now : last + 1;
  last = first + Math.max(count, 1) - 1;
  return first;
}
