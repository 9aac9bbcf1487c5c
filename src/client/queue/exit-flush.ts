/**
 * One `process.on("exit")` listener for every open embedded client, so that a process
 * that ends normally (its event loop drains, or it calls `process.exit()`) writes what it
 * recorded. The listener is added with the first client and removed with the last.
 */
const clients = new Set<{ flushOnExit(): void }>();

function flushAll(): void {
  for (const client of clients) client.flushOnExit();
}

/**
 * Flushes `client` synchronously when the process exits, until {@link unregisterExitFlush}.
 *
 * @example
 * ```ts
 * registerExitFlush(client);   // client.flushOnExit() runs on process exit
 * unregisterExitFlush(client); // on close()
 * ```
 */
export function registerExitFlush(client: { flushOnExit(): void }): void {
  if (clients.size === 0) process.on("exit", flushAll);
  clients.add(client);
}

/** Stops flushing `client` on exit. */
export function unregisterExitFlush(client: { flushOnExit(): void }): void {
  if (clients.delete(client) && clients.size === 0) process.off("exit", flushAll);
}
