import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api/api-client.js";

/** What {@link useApi} gives a component. */
export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** When the data was last fetched. */
  updatedAt: Date | undefined;
  reload(): void;
}

/**
 * Fetches with `load` when `deps` change, and again every `refreshMs(data)` milliseconds
 * (`data` undefined after a failure) while that returns a number (live refresh: e.g. while runs are in progress). Keeps the
 * last data while a refresh is in flight, so pages do not flicker.
 *
 * @example
 * ```ts
 * const runs = useApi((signal) => apiGet("/flow-runs", { limit: 50 }, { signal }), [], { refreshMs: () => 3000 });
 * ```
 */
export function useApi<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  options: { refreshMs?: (data: T | undefined) => number | undefined; enabled?: boolean } = {},
): ApiState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: ApiError | undefined; loading: boolean; updatedAt: Date | undefined }>({
    data: undefined,
    error: undefined,
    loading: true,
    updatedAt: undefined,
  });
  const [tick, setTick] = useState(0);
  const latest = useRef(options);
  latest.current = options;
  const enabled = options.enabled ?? true;

  useEffect(() => {
    setState((s) => ({ ...s, data: undefined, error: undefined, loading: true }));
  }, deps);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    load(controller.signal).then(
      (data) => {
        if (controller.signal.aborted) return;
        setState({ data, error: undefined, loading: false, updatedAt: new Date() });
        const next = latest.current.refreshMs?.(data);
        if (next !== undefined) timer = setTimeout(() => setTick((t) => t + 1), next);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const apiError = error instanceof ApiError ? error : new ApiError(0, "CLIENT_ERROR", error instanceof Error ? error.message : String(error));
        setState((s) => ({ ...s, error: apiError, loading: false }));
        // Live views keep trying (a server restarting comes back); 401 waits for a key instead.
        const next = apiError.status === 401 ? undefined : latest.current.refreshMs?.(undefined);
        if (next !== undefined) timer = setTimeout(() => setTick((t) => t + 1), Math.max(next, 2000));
      },
    );
    return () => {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [...deps, tick, enabled]);

  return { ...state, reload: () => setTick((t) => t + 1) };
}
