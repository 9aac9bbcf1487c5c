import type { WriteBatch } from "../../database/service/write-batch.js";

/**
 * Splits a batch into parts of at most `maxRows` rows, keeping the order of the rows
 * (flow runs, task runs, states, log lines), so that the parts, written one after the
 * other, have the same effect as the whole.
 *
 * @example
 * ```ts
 * for (const part of splitBatch(batch, 2000)) await send(part);
 * ```
 */
export function splitBatch(batch: WriteBatch, maxRows: number): WriteBatch[] {
  const total = batch.flowRuns.length + batch.taskRuns.length + batch.states.length + batch.logs.length;
  if (total <= maxRows) return [batch];
  const parts: WriteBatch[] = [];
  let part: WriteBatch = emptyBatch();
  let rows = 0;
  const keys = ["flowRuns", "taskRuns", "states", "logs"] as const;
  for (const key of keys) {
    const list = batch[key] as unknown[];
    let i = 0;
    while (i < list.length) {
      const take = Math.min(maxRows - rows, list.length - i);
      (part[key] as unknown[]).push(...list.slice(i, i + take));
      i += take;
      rows += take;
      if (rows === maxRows) {
        parts.push(part);
        part = emptyBatch();
        rows = 0;
      }
    }
  }
  if (rows > 0) parts.push(part);
  return parts;
}

/**
 * Halves a batch (for a part the server found too large).
 *
 * @example
 * ```ts
 * const [first, second] = halveBatch(batch); // each half of the rows, in order
 * ```
 */
export function halveBatch(batch: WriteBatch): WriteBatch[] {
  const total = batch.flowRuns.length + batch.taskRuns.length + batch.states.length + batch.logs.length;
  return total < 2 ? [batch] : splitBatch(batch, Math.ceil(total / 2));
}

function emptyBatch(): WriteBatch {
  return { flowRuns: [], taskRuns: [], states: [], logs: [] };
}
