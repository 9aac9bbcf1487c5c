/**
 * Whether a write failed because of the data (retrying the same rows cannot help) rather
 * than because of the database's condition (locked, disk full, I/O: worth retrying).
 *
 * Data errors: SQLite constraint/type/size errors, and better-sqlite3's refusal to bind
 * a value (a `TypeError`/`RangeError`, e.g. a boolean or an object where text belongs).
 */
export function isDataError(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  return /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
}
