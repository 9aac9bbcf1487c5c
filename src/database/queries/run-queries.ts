import { sql, type Kysely } from "kysely";
import type { FlowRunQuery, TaskRunQuery } from "../../records/index.js";
import type { CairnDatabase } from "../schema.js";
import { idStartsWith } from "./id-prefix.js";

/** SQLite needs a LIMIT to take an OFFSET; this one means "no limit" on every dialect. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** Flow runs, newest first, filtered and paged as {@link FlowRunQuery} says. */
export function selectFlowRuns(db: Kysely<CairnDatabase>, query: FlowRunQuery = {}) {
  let q = db.selectFrom("flow_run").selectAll();
  if (query.flowName !== undefined) q = q.where("flow_name", "=", query.flowName);
  if (query.stateTypes !== undefined) {
    if (query.stateTypes.length === 0) return q.where((eb) => eb.lit(false));
    q = q.where("state_type", "in", query.stateTypes);
  }
  if (query.tag !== undefined) {
    // `tags` is JSON array text: the tag, JSON-quoted, is one of its elements when it occurs in it.
    // replace() is case-sensitive and needs no escaping, on SQLite and PostgreSQL alike (LIKE is neither).
    // Not indexed: a tag few runs have scans the runs newest first until the page is full (docs/ui.md).
    const needle = JSON.stringify(query.tag);
    q = q.where(sql<boolean>`replace(${sql.ref("tags")}, ${needle}, '') <> ${sql.ref("tags")}`);
  }
  if (query.createdAfter !== undefined) q = q.where("created", ">=", query.createdAfter);
  if (query.createdBefore !== undefined) q = q.where("created", "<", query.createdBefore);
  if (query.after !== undefined) {
    const { created, seq } = query.after;
    q = q.where((eb) => eb(eb.refTuple("created", "seq"), "<", eb.tuple(created, seq)));
  }
  q = q.orderBy("created", "desc").orderBy("seq", "desc");
  return page(q, query.limit, query.offset);
}

/** Task runs, oldest first, filtered and paged as {@link TaskRunQuery} says. */
export function selectTaskRuns(db: Kysely<CairnDatabase>, query: TaskRunQuery = {}) {
  let q = db.selectFrom("task_run").selectAll();
  if (query.flowRunId !== undefined) q = q.where("flow_run_id", "=", query.flowRunId);
  if (query.taskKey !== undefined) q = q.where("task_key", "=", query.taskKey);
  q = q.orderBy("created", "asc").orderBy("seq", "asc");
  return page(q, query.limit, query.offset);
}

/**
 * The newest COMPLETED task runs recorded under `cacheKey` whose entry has not expired at
 * `now` (ISO text), newest first: the candidates for a cache hit.
 */
export function selectCachedTaskRuns(db: Kysely<CairnDatabase>, cacheKey: string, now: string, limit: number) {
  return db
    .selectFrom("task_run")
    .selectAll()
    .where("cache_key", "=", cacheKey)
    .where("state_type", "=", "COMPLETED")
    .where((eb) => eb.or([eb("cache_expiration", "is", null), eb("cache_expiration", ">", now)]))
    .orderBy("state_timestamp", "desc")
    .orderBy("seq", "desc")
    .limit(limit);
}

/** The names of the flows that have runs, in alphabetical order (walks the flow-name index). */
export function selectFlowNames(db: Kysely<CairnDatabase>, limit: number) {
  return db.selectFrom("flow_run").select("flow_name").distinct().orderBy("flow_name").limit(limit);
}

/** The keyset position of a flow run in the listing (`FlowRunQuery.after`). */
export function selectFlowRunPosition(db: Kysely<CairnDatabase>, id: string) {
  return db.selectFrom("flow_run").select(["created", "seq"]).where("id", "=", id);
}

/**
 * The rows of `table` whose id is `id`, or else (at most two of) those whose id starts
 * with it: one row is a match, two mean the prefix is ambiguous, none that nothing matches.
 */
export async function selectRunRowsByIdOrPrefix<T extends "flow_run" | "task_run">(
  db: Kysely<CairnDatabase>,
  table: T,
  id: string,
): Promise<CairnDatabase[T][]> {
  // Kysely cannot type a query over "one of two tables"; the rows are typed by the caller.
  const untyped = db as unknown as Kysely<any>;
  const exact = await untyped.selectFrom(table).selectAll().where("id", "=", id).execute();
  if (exact.length > 0) return exact as CairnDatabase[T][];
  const byPrefix = await untyped
    .selectFrom(table)
    .selectAll()
    .where(idStartsWith("id", id))
    .orderBy("id")
    .limit(2)
    .execute();
  return byPrefix as CairnDatabase[T][];
}

function page<Q extends { limit(n: number): Q; offset(n: number): Q }>(
  q: Q,
  limit: number | undefined,
  offset: number | undefined,
): Q {
  if (limit !== undefined) q = q.limit(limit);
  if (offset !== undefined && offset > 0) q = (limit === undefined ? q.limit(NO_LIMIT) : q).offset(offset);
  return q;
}
