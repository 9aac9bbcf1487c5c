// The UI's read queries stay indexed whatever the size of the store: SQLite's query plans
// for the runs list (first page, filters, keyset page), the timeline and the cache report
// walk indexes and never sort the whole table.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Compilable } from "kysely";
import { selectFlowRuns } from "../../src/database/queries/run-queries.js";
import { selectCacheOutcomeStates, selectCacheWriters } from "../../src/database/queries/cache-queries.js";
import { selectRetriedTaskRunStates, selectSubflowRuns, selectTimelineTaskRuns } from "../../src/database/queries/timeline-queries.js";
import type { Kysely } from "kysely";
import type { CairnDatabase } from "../../src/database/schema.js";
import { createSqliteDatabase } from "../../src/database/sqlite/create-sqlite-database.js";
import { createSqliteKysely } from "../../src/database/sqlite/create-sqlite-kysely.js";
import { migrateSqliteDatabase } from "../../src/database/sqlite/migrate-sqlite-database.js";

const sqlite = createSqliteDatabase(":memory:");
let db: Kysely<CairnDatabase>;
before(async () => {
  db = createSqliteKysely(sqlite);
  await migrateSqliteDatabase(sqlite, db);
  sqlite.exec("analyze");
});
after(async () => {
  await db.destroy();
});

function plan(query: Compilable): string {
  const { sql, parameters } = query.compile();
  return (sqlite.prepare(`explain query plan ${sql}`).all(...(parameters as unknown[])) as { detail: string }[]).map((p) => p.detail).join("\n");
}

describe("query plans of the UI's reads", () => {
  test("the runs list: newest first from the created index, no sort, with or without keyset and filters", () => {
    for (const query of [
      selectFlowRuns(db, { limit: 51 }),
      selectFlowRuns(db, { limit: 51, after: { created: "2024-01-01T00:00:00.000Z", seq: 10 } }),
      selectFlowRuns(db, { limit: 51, tag: "nightly" }),
      selectFlowRuns(db, { limit: 51, createdAfter: "2024-01-01T00:00:00.000Z" }),
    ]) {
      const p = plan(query);
      assert.match(p, /USING INDEX flow_run_created_idx/, p);
      assert.doesNotMatch(p, /TEMP B-TREE/, p);
    }
  });

  test("a state type filter walks the state-type index; a flow name the flow-name index", () => {
    assert.match(plan(selectFlowRuns(db, { limit: 51, stateTypes: ["FAILED"] })), /USING INDEX flow_run_state_type_idx/);
    assert.match(plan(selectFlowRuns(db, { limit: 51, flowName: "etl" })), /USING INDEX flow_run_flow_name_idx/);
  });

  test("the timeline and the cache report search by index", () => {
    assert.match(plan(selectTimelineTaskRuns(db, "f", 50_001)), /SEARCH task_run USING INDEX task_run_flow_run_id_idx/);
    const states = plan(selectRetriedTaskRunStates(db, "f"));
    assert.match(states, /SEARCH t USING INDEX task_run_flow_run_id_idx/);
    assert.match(states, /SEARCH s USING INDEX sqlite_autoindex_run_state_1 \(run_id=\?\)/);
    assert.match(plan(selectSubflowRuns(db, "f")), /USING INDEX flow_run_parent_task_run_id_idx/);
    assert.match(plan(selectCacheWriters(db, "k", 1001)), /USING INDEX task_run_(task_key|cache_key)_idx/);
    assert.match(plan(selectCacheOutcomeStates(db, "k", 20_001)), /SEARCH t USING INDEX task_run_task_key_idx/);
  });
});
