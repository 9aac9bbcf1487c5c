/**
 * ISO-8601 text of a time in milliseconds (`Date#toISOString()`), remembering the last
 * one: the engine records a few states per task run, many within the same millisecond,
 * and formatting a date costs more than the rest of recording a state.
 *
 * @example
 * ```ts
 * isoTime(0);          // "1970-01-01T00:00:00.000Z"
 * isoTime(Date.now()); // now
 * ```
 */
let lastMs = Number.NaN;
let lastText = "";

export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastText = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastText;
}
