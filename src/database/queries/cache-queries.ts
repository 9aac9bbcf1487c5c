import type { Kysely } from "kysely";
import type { CairnDatabase } from "../schema.js";

/**
 * The tasks that have cache entries (task runs that computed a value under a cache key),
 * with how many entries and when the newest was written. Scans the partial cache-key index.
 */
export function selectCachedTasks(db: Kysely<CairnDatabase>) {
  return db
    .selectFrom("task_run")
    .select((eb) => [
      "task_key",
      eb.fn.max("name").as("name"),
      eb.fn.max("dynamic_key").as("dynamic_key"),
      eb.fn.countAll<number>().as("runs"),
      eb.fn.max("state_timestamp").as("last_written"),
    ])
    .where("cache_key", "is not", null)
    .groupBy("task_key")
    .orderBy("last_written", "desc");
}

/** The runs of a task that computed a value under a cache key, newest first: its entries (and failed attempts at one). */
export function selectCacheWriters(db: Kysely<CairnDatabase>, taskKey: string, limit: number) {
  return db
    .selectFrom("task_run")
    .select([
      "id", "name", "dynamic_key", "flow_run_id", "cache_key", "cache_expiration", "state_type", "state_name",
      "state_timestamp", "state_data", "end_time", "created",
    ])
    .where("task_key", "=", taskKey)
    .where("cache_key", "is not", null)
    .orderBy("created", "desc")
    .orderBy("seq", "desc")
    .limit(limit);
}

/** The states of a task's runs that record a cache outcome (Cached states, first RUNNING states of misses), newest first. */
export function selectCacheOutcomeStates(db: Kysely<CairnDatabase>, taskKey: string, limit: number) {
  return db
    .selectFrom("task_run as t")
    .innerJoin("run_state as s", "s.run_id", "t.id")
    .select(["s.run_id", "s.type", "s.name", "s.timestamp", "s.details", "s.data", "t.name as run_name", "t.flow_run_id"])
    .where("t.task_key", "=", taskKey)
    .where((eb) =>
      eb.or([
        eb("s.name", "=", "Cached"),
        eb.and([eb("s.type", "=", "RUNNING"), eb("t.cache_key", "is not", null), eb("s.details", "like", '%"cache":%')]),
      ]),
    )
    .orderBy("s.timestamp", "desc")
    .limit(limit);
}
