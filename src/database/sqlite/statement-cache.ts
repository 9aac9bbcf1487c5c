import type Database from "better-sqlite3";
import type { CompiledQuery } from "kysely";

/**
 * better-sqlite3 prepared statements, cached by SQL text, for running compiled Kysely
 * queries synchronously on the write path (preparing a statement costs more than running it).
 */
export class StatementCache {
  readonly #sqlite: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(sqlite: Database.Database) {
    this.#sqlite = sqlite;
  }

  /** The prepared statement for `sql`, prepared on first use. */
  get(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#sqlite.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs a compiled statement that returns no rows. */
  run(query: CompiledQuery): Database.RunResult {
    return this.get(query.sql).run(query.parameters as unknown[]);
  }

  /** Runs a compiled query and returns its rows. */
  all<R>(query: CompiledQuery<R>): R[] {
    return this.get(query.sql).all(query.parameters as unknown[]) as R[];
  }
}
