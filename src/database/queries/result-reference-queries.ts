import type { Kysely } from "kysely";
import type { CairnDatabase } from "../schema.js";

/** Matches the JSON text of a `{"type":"reference",...}` result record (written by `JSON.stringify`). */
const REFERENCE_PREFIX = '{"type":"reference"';

/** States holding a result reference, in recording order, after `afterSeq` (paging), at most `limit`. */
export function selectReferenceStates(db: Kysely<CairnDatabase>, afterRunId: string, afterSeq: number, limit: number) {
  return db
    .selectFrom("run_state")
    .select(["run_id", "seq", "flow_run_id", "task_run_id", "timestamp", "data"])
    .where("data", "like", `${REFERENCE_PREFIX}%`)
    .where((eb) => eb.or([eb("run_id", ">", afterRunId), eb.and([eb("run_id", "=", afterRunId), eb("seq", ">", afterSeq)])]))
    .orderBy("run_id")
    .orderBy("seq")
    .limit(limit);
}

/** Replaces a result record's JSON text wherever the store keeps it (state history and task run rows). */
export function replaceStateData(db: Kysely<CairnDatabase>, from: string, to: string) {
  return db.updateTable("run_state").set({ data: to }).where("data", "=", from);
}

/** Same, for task run rows; their cache entry goes too (the result behind it is gone). */
export function replaceTaskRunData(db: Kysely<CairnDatabase>, from: string, to: string) {
  return db.updateTable("task_run").set({ state_data: to, cache_key: null, cache_expiration: null }).where("state_data", "=", from);
}
