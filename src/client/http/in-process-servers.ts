/**
 * The ports on which this very process serves a Cairn API. The HTTP client's synchronous
 * exit flush waits for a helper process to reach the server; when the server is this
 * process, whose event loop is blocked meanwhile, that can never work, so it is skipped.
 *
 * Kept on `globalThis`, like the local engine ids: two copies of Cairn in one process
 * (built package and sources) must agree.
 */
const ports: Set<number> = ((globalThis as Record<symbol, unknown>)[Symbol.for("cairn.inProcessApiPorts")] ??=
  new Set<number>()) as Set<number>;

/** Notes that this process serves the API on `port` (until {@link removeInProcessServer}). */
export function addInProcessServer(port: number): void {
  ports.add(port);
}

/** Notes that this process no longer serves the API on `port`. */
export function removeInProcessServer(port: number): void {
  ports.delete(port);
}

/**
 * Whether `url` is served by this process (same port on a loopback or unspecified host).
 *
 * @example
 * ```ts
 * addInProcessServer(4200);
 * isServedInProcess("http://127.0.0.1:4200/api"); // true
 * ```
 */
export function isServedInProcess(url: string): boolean {
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
  if (!ports.has(port)) return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || host.startsWith("127.") || host === "0.0.0.0" || host === "::";
}
