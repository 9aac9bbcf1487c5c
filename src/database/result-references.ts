import type { Kysely } from "kysely";
import type { ResultReferenceCursor, ResultReferenceRecord } from "../records/index.js";
import type { ResultRecord } from "../results/base-result.js";
import type { CairnDatabase } from "./schema.js";
import { replaceStateData, replaceTaskRunData, selectReferenceStates } from "./queries/result-reference-queries.js";

/** What a pruned result's records hold instead of their reference. */
export const PRUNED_RESULT_JSON = JSON.stringify({ type: "unpersisted", pruned: true });

/**
 * One page of the distinct result references recorded in states (the service behind
 * `OrchestrationClient.readResultReferences`, on any Kysely database).
 */
export async function readResultReferences(
  db: Kysely<CairnDatabase>,
  page: { after?: ResultReferenceCursor; limit?: number } = {},
): Promise<{ references: ResultReferenceRecord[]; next: ResultReferenceCursor | undefined }> {
  const limit = page.limit ?? 500;
  const rows = await selectReferenceStates(db, page.after?.runId ?? "", page.after?.seq ?? -1, limit).execute();
  const seen = new Set<string>();
  const references: ResultReferenceRecord[] = [];
  for (const row of rows) {
    if (row.data === null || seen.has(row.data)) continue;
    seen.add(row.data);
    let record: ResultRecord;
    try {
      record = JSON.parse(row.data) as ResultRecord;
    } catch {
      continue;
    }
    if (record.type !== "reference") continue;
    references.push({
      data: row.data,
      storageKey: record.storageKey,
      storageBlockId: record.storageBlockId,
      expiration: record.expiration,
      timestamp: row.timestamp,
      flowRunId: row.flow_run_id,
      taskRunId: row.task_run_id,
    });
  }
  const last = rows.at(-1);
  return { references, next: rows.length < limit || last === undefined ? undefined : { runId: last.run_id, seq: last.seq } };
}

/** Replaces these references with the pruned marker everywhere; returns the rows changed. */
export async function forgetResultReferences(db: Kysely<CairnDatabase>, data: readonly string[]): Promise<number> {
  let changed = 0;
  await db.transaction().execute(async (trx) => {
    for (const from of data) {
      const states = await replaceStateData(trx, from, PRUNED_RESULT_JSON).executeTakeFirst();
      const runs = await replaceTaskRunData(trx, from, PRUNED_RESULT_JSON).executeTakeFirst();
      changed += Number(states.numUpdatedRows) + Number(runs.numUpdatedRows);
    }
  });
  return changed;
}
