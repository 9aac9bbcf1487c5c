/**
 * Whether PostgreSQL refused a statement because of its data (SQLSTATE class 22, data
 * exception, or 23, integrity constraint violation): writing the same rows again cannot
 * help, unlike a lost connection or a serialization failure.
 *
 * @example
 * ```ts
 * try { await write(); } catch (err) { if (!isPostgresDataError(err)) throw err; }
 * ```
 */
export function isPostgresDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^2[23][0-9A-Z]{3}$/.test(code);
}
