/**
 * What a cache key function or policy sees of the call it computes a key for.
 */
export interface CacheKeyContext {
  /** The task's name. */
  taskName: string;
  /** The task's stable key (name + definition site + source hash). */
  taskKey: string;
  /** The task function's source text. */
  taskSource: string;
  /** The call's arguments by parameter name (positional names `"0"`, `"1"` where unknown). */
  parameters: Record<string, unknown>;
  /** The task run's id. */
  taskRunId: string;
  /** The enclosing flow run, when there is one. */
  flowRun: { id: string; name: string; flowName: string; parameters: Record<string, unknown> } | undefined;
}
