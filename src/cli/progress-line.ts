import { cliIO, useColor } from "./output.js";

/** A progress line on stderr (see {@link progressLine}). */
export interface ProgressLine {
  /** Redraws the line with `text` (at most ten times a second; the last call before {@link ProgressLine.done} always draws). */
  update(text: string): void;
  /** Draws the last text given, if any, and ends the line. */
  done(): void;
}

const MIN_REDRAW_MS = 100;

/**
 * A line of progress for long CLI commands, redrawn in place on stderr when stderr is a
 * terminal (or `FORCE_COLOR` is set), and silent otherwise, so piped output and logs get
 * only the final summary the command prints on stdout.
 *
 * @example
 * ```ts
 * const line = progressLine();
 * for (const item of items) { work(item); line.update(`Pruning: ${++done}/${items.length}`); }
 * line.done();
 * ```
 */
export function progressLine(): ProgressLine {
  const stderr = cliIO().stderr;
  const enabled = useColor("stderr");
  let last = 0;
  let pending: string | undefined;
  let drawn = false;
  const draw = (text: string) => {
    stderr.write(`\r${text}\u001b[K`);
    drawn = true;
    pending = undefined;
    last = Date.now();
  };
  return {
    update(text) {
      if (!enabled) return;
      pending = text;
      if (Date.now() - last >= MIN_REDRAW_MS) draw(text);
    },
    done() {
      if (!enabled) return;
      if (pending !== undefined) draw(pending);
      if (drawn) stderr.write("\n");
      drawn = false;
    },
  };
}

/**
 * Bytes as text with a binary unit: `512 B`, `3.4 KiB`, `12.0 MiB`, `1.2 GiB`.
 *
 * @example
 * ```ts
 * formatBytes(1536); // "1.5 KiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
