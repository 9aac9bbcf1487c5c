/** OS and SDK error codes that mean the endpoint could not be reached, with a plain reading each. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: "connection refused: nothing listens there",
  ENOTFOUND: "unknown host name",
  EAI_AGAIN: "the host name could not be resolved (DNS)",
  ETIMEDOUT: "the connection timed out",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "no route to the host",
  ENETUNREACH: "the network is unreachable",
  EPIPE: "the connection was closed",
  ECONNABORTED: "the connection was aborted",
  TimeoutError: "the request timed out",
  REQUEST_SEND_ERROR: "the request could not be sent",
};

/** The `code` of an OS or SDK error, looking through `AggregateError`s and causes. */
export function errorCode(err: unknown, depth = 0): string | undefined {
  if (err === null || typeof err !== "object" || depth > 4) return undefined;
  const { code, errors, cause } = err as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === "string" && code !== "") return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = errorCode(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return errorCode(cause, depth + 1);
}

/**
 * When `err` means that the endpoint could not be reached, its code and a plain reading
 * of it (`["ECONNREFUSED", "connection refused: ..."]`); otherwise `undefined`.
 *
 * @example
 * ```ts
 * const unreachable = unreachableReason(err);
 * if (unreachable) console.error(`cannot reach ${endpoint} (${unreachable[0]}: ${unreachable[1]})`);
 * ```
 */
export function unreachableReason(err: unknown): [code: string, reading: string] | undefined {
  const code = errorCode(err);
  const name = (err as { name?: unknown } | null)?.name;
  for (const candidate of [code, typeof name === "string" ? name : undefined]) {
    if (candidate !== undefined && Object.hasOwn(UNREACHABLE, candidate)) return [candidate, UNREACHABLE[candidate] ?? ""];
  }
  return undefined;
}
