import { sql, type Expression, type SqlBool } from "kysely";

/** The escape character of {@link idStartsWith}'s LIKE pattern. */
const ESCAPE = "!";

/**
 * `column LIKE 'prefix%' ESCAPE '!'`, with `%`, `_` and `!` in the prefix matched
 * literally. Portable: SQLite and PostgreSQL both accept an explicit ESCAPE.
 */
export function idStartsWith(column: string, prefix: string): Expression<SqlBool> {
  const pattern = prefix.replace(/[!%_]/g, (c) => ESCAPE + c) + "%";
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '!'`;
}
