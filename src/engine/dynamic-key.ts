import type { Engine } from "./engine.js";
import type { FlowRunContext } from "./run-context.js";

/**
 * The next dynamic key ("0", "1", ...) of a task key: within a flow run attempt, or
 * process-wide for standalone task runs. The same call sequence in a retried flow run
 * gets the same keys, which is how its earlier task runs are found again.
 */
export function nextDynamicKey(flow: FlowRunContext | undefined, taskKey: string, engine?: Engine): string {
  const counts = flow?.taskCallCounts ?? engine?.standaloneCounts;
  if (counts === undefined) return "0";
  const n = counts.get(taskKey) ?? 0;
  counts.set(taskKey, n + 1);
  return String(n);
}
