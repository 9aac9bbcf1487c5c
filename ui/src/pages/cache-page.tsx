import { apiGet } from "../api/api-client.js";
import { ErrorMessage, Loading } from "../components/error-message.js";
import { StateBadge } from "../components/state-badge.js";
import { formatTime } from "../format.js";
import { useApi } from "../hooks/use-api.js";
import { href } from "../router.js";
import { MISS_REASONS } from "./task-run-page.js";

/** One task's cache: its entries (with their hits), then its misses with the reason each run recorded, then its hits. */
export function CachePage({ taskKey }: { taskKey: string }) {
  const report = useApi((signal) => apiGet("/caches/report", { taskKey }, { signal }), [taskKey], { refreshMs: () => 5000 });
  if (report.error !== undefined) return <ErrorMessage error={report.error} />;
  if (report.data === undefined) return <Loading what="the cache" />;
  const r = report.data;
  return (
    <section class="cache-page">
      <p class="crumbs">
        <a href={href("caches")}>Caches</a>
      </p>
      <h1>
        Cache of <span class="task-name">{r.taskName}</span>
      </h1>
      <p class="muted">
        Task key <code class="break">{r.taskKey}</code>
        {r.truncated && " · the newest 1,000 of each kind are shown"}
      </p>
      <h2>Entries ({r.entries.length})</h2>
      {r.entries.length === 0 ? (
        <p class="muted">No run of this task has written a cache entry.</p>
      ) : (
        <table class="table cache-entries">
          <thead>
            <tr>
              <th>Cache key</th>
              <th>Written by</th>
              <th>Written at</th>
              <th>Expiration</th>
              <th>Hits</th>
              <th>Last hit</th>
            </tr>
          </thead>
          <tbody>
            {r.entries.map((e) => (
              <tr key={e.taskRunId} class={e.stateType === "COMPLETED" && !e.expired ? "" : "inactive"}>
                <td>
                  <code class="break">{e.cacheKey}</code>
                </td>
                <td>
                  <a href={href("task-runs", e.taskRunId)}>{e.taskRunName}</a> {e.stateType !== "COMPLETED" && <StateBadge type={e.stateType} name={`${e.stateName} (no entry)`} />}
                </td>
                <td class="nowrap">{formatTime(e.writtenAt)}</td>
                <td class="nowrap">
                  {e.expiration === null ? "never" : formatTime(e.expiration)} {e.expired && <span class="badge state-cancelled">expired</span>}
                </td>
                <td class="hits">{e.hits}</td>
                <td class="nowrap">{formatTime(e.lastHitAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Misses ({r.misses.length})</h2>
      {r.misses.length === 0 ? (
        <p class="muted">No recorded misses.</p>
      ) : (
        <table class="table cache-misses">
          <thead>
            <tr>
              <th>Task run</th>
              <th>At</th>
              <th>Cache key</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {r.misses.map((m) => (
              <tr key={m.taskRunId}>
                <td>
                  <a href={href("task-runs", m.taskRunId)}>{m.taskRunName}</a>
                </td>
                <td class="nowrap">{formatTime(m.at)}</td>
                <td>
                  <code class="break">{m.cacheKey}</code>
                </td>
                <td>
                  <span class={`badge reason reason-${m.reason}`}>{m.reason}</span> {MISS_REASONS[m.reason]}
                  {m.entryTaskRunId !== null && (
                    <>
                      {" "}
                      (<a href={href("task-runs", m.entryTaskRunId)}>entry</a>)
                    </>
                  )}
                  {m.message !== null && <div class="muted small">{m.message}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Hits ({r.hits.length})</h2>
      {r.hits.length === 0 ? (
        <p class="muted">No hits yet.</p>
      ) : (
        <table class="table cache-hits">
          <thead>
            <tr>
              <th>Task run</th>
              <th>At</th>
              <th>Cache key</th>
              <th>Entry reused</th>
            </tr>
          </thead>
          <tbody>
            {r.hits.map((h) => (
              <tr key={h.taskRunId}>
                <td>
                  <a href={href("task-runs", h.taskRunId)}>{h.taskRunName}</a>
                </td>
                <td class="nowrap">{formatTime(h.at)}</td>
                <td>
                  <code class="break">{h.cacheKey}</code>
                </td>
                <td>{h.entryTaskRunId === null ? <span class="muted">unknown</span> : <a href={href("task-runs", h.entryTaskRunId)}>entry</a>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
