import type { Log } from "../api/api-client.js";
import { formatTime } from "../format.js";

const LEVELS: Record<number, string> = { 10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL" };

/** A run's log lines, oldest first. */
export function LogLines({ logs, limit }: { logs: Log[]; limit: number }) {
  if (logs.length === 0) return <p class="muted">No log lines.</p>;
  return (
    <>
      <pre class="logs">
        {logs.map((l, i) => (
          <div key={i} class={`log level-${(LEVELS[l.level] ?? "INFO").toLowerCase()}`}>
            <span class="muted">{formatTime(l.timestamp)}</span> <span class="log-level">{LEVELS[l.level] ?? l.level}</span>{" "}
            <span class="muted">{l.name}</span> {l.message}
          </div>
        ))}
      </pre>
      {logs.length >= limit && <p class="muted">The first {limit} lines are shown.</p>}
    </>
  );
}
