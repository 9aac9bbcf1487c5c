/**
 * The engine ids that recorded runs owned by *this* process, across every client in it.
 *
 * Orphan detection uses it to tell this process's own runs (never touched) from runs left
 * behind by an earlier process that had the same pid (pids are reused, e.g. pid 1 in
 * every container): same host, same pid, but an engine id this process never used.
 *
 * Kept on `globalThis`: two copies of this module in one process (e.g. the built package
 * and its sources) must agree, or one would take the other's live runs for orphans.
 */
const localEngineIds: Set<string> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for("cairn.localEngineIds")
] ??= new Set<string>()) as Set<string>;

/** Notes that `engineId` runs in this process. */
export function addLocalEngine(engineId: string): void {
  localEngineIds.add(engineId);
}

/**
 * Whether `engineId` has recorded runs owned by this process.
 *
 * @example
 * ```ts
 * addLocalEngine(engine.id);
 * isLocalEngine(engine.id); // true
 * ```
 */
export function isLocalEngine(engineId: string): boolean {
  return localEngineIds.has(engineId);
}
