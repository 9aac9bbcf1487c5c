import { sql, type Kysely, type RawBuilder } from "kysely";
import { FLOW_RUN_COLUMNS } from "../rows/flow-run-row.js";
import { RUN_LOG_COLUMNS } from "../rows/log-row.js";
import { RUN_STATE_COLUMNS } from "../rows/state-row.js";
import { TASK_RUN_COLUMNS } from "../rows/task-run-row.js";
import { updatableColumns } from "../queries/write-queries.js";
import type { CairnDatabase } from "../schema.js";
import { jsonWithoutNul } from "./postgres-nul-plugin.js";

/** A statement that writes many rows, sent as one JSON parameter. */
export type JsonRowsStatement = (db: Kysely<CairnDatabase>, rows: readonly object[]) => Promise<unknown>;

/**
 * `INSERT ... SELECT ... FROM json_populate_recordset(null::<table>, $1)`: the rows travel as
 * one JSON text parameter and PostgreSQL unpacks them. Binding one parameter instead of
 * twenty per row makes large bursts several times cheaper to build, send and parse than a
 * multi-row `VALUES` list (`bench/server.ts`). Runs upsert by id (the newest version wins,
 * a row keeps its identity columns from its first insertion), as the portable statements of
 * `write-queries.ts` do.
 */
function jsonRows(table: keyof CairnDatabase, columns: readonly string[], upsert: boolean): JsonRowsStatement {
  const list = sql.join(columns.map((c) => sql.ref(c)));
  const updates = updatableColumns(columns);
  const conflict: RawBuilder<unknown> = upsert
    ? sql` on conflict (id) do update set ${sql.join(updates.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}`
    : sql``;
  return (db, rows) =>
    sql`insert into ${sql.table(table)} (${list}) select ${list} from json_populate_recordset(null::${sql.table(table)}, ${jsonWithoutNul(rows)}::json)${conflict}`.execute(
      db,
    );
}

/** Upserts `flow_run` rows. */
export const upsertFlowRunsJson = jsonRows("flow_run", FLOW_RUN_COLUMNS, true);
/** Upserts `task_run` rows. */
export const upsertTaskRunsJson = jsonRows("task_run", TASK_RUN_COLUMNS, true);
/** Appends `run_state` rows. */
export const insertStatesJson = jsonRows("run_state", RUN_STATE_COLUMNS, false);
/** Appends `run_log` rows. */
export const insertLogsJson = jsonRows("run_log", RUN_LOG_COLUMNS, false);
