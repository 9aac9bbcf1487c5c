// Performance marks set when a view first shows its data: the benchmark (bench/ui.ts) reads
// them to measure render times in the browser, and tests wait for the matching attribute.
import { useLayoutEffect, useRef } from "preact/hooks";
import type { RefObject } from "preact";

/**
 * Once, after the first paint with data: `performance.mark(name)` and `data-rendered` on `ref`.
 *
 * @example
 * ```ts
 * const table = useRef<HTMLTableElement>(null);
 * useRenderedMark("cairn:flow-runs-rendered", table);
 * ```
 */
export function useRenderedMark(name: string, ref: RefObject<HTMLElement | null>): void {
  const done = useRef(false);
  useLayoutEffect(() => {
    if (done.current) return;
    done.current = true;
    requestAnimationFrame(() => {
      performance.mark(name);
      ref.current?.setAttribute("data-rendered", "true");
    });
  }, []);
}
