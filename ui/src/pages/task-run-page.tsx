import type { ComponentChildren } from "preact";
import { apiGet, type Attempt, type CacheMissReason, type TaskRunDetails } from "../api/api-client.js";
import { ErrorMessage, Loading } from "../components/error-message.js";
import { Facts } from "../components/facts.js";
import { LogLines } from "../components/log-lines.js";
import { ResultPreview } from "../components/result-preview.js";
import { ResultReference } from "../components/result-reference.js";
import { RunError } from "../components/run-error.js";
import { StateBadge } from "../components/state-badge.js";
import { StateHistory } from "../components/state-history.js";
import { FINAL_TYPES, formatDuration, formatTime, runDuration } from "../format.js";
import { useApi } from "../hooks/use-api.js";
import { href } from "../router.js";

const LOG_LIMIT = 1000;

/** What a miss reason means, in a few words. */
export const MISS_REASONS: Record<CacheMissReason, string> = {
  "no-entry": "nothing was cached under this key yet",
  expired: "the entry under this key had expired",
  "missing-blob": "the entry's result file was gone from its storage",
  "corrupt-blob": "the entry's result blob failed its integrity check",
  "replaced-blob": "another blob was written over the entry's result since its run wrote it",
  "unreadable-blob": "the entry's result could not be read",
  refreshed: "refreshCache made it run and overwrite the entry",
};

/** One task run: facts, cache outcome, inputs, attempts, states, result reference and preview, logs. */
export function TaskRunPage({ id }: { id: string }) {
  const live = (d: TaskRunDetails | undefined) => (d === undefined || !FINAL_TYPES.has(d.taskRun.stateType) ? 2000 : undefined);
  const details = useApi((signal) => apiGet("/task-runs/{id}/details", { id }, { signal }), [id], { refreshMs: live });
  const runId = details.data?.taskRun.id;
  const refresh = details.data === undefined ? undefined : details.data.taskRun.stateTimestamp;
  const states = useApi((signal) => apiGet("/runs/{runId}/states", { runId: runId ?? id }, { signal }), [runId, refresh], { enabled: runId !== undefined });
  const logs = useApi((signal) => apiGet("/logs", { taskRunId: runId ?? id, limit: LOG_LIMIT }, { signal }), [runId, refresh], { enabled: runId !== undefined });

  if (details.error !== undefined) return <ErrorMessage error={details.error} title="This task run cannot be shown" />;
  if (details.data === undefined) return <Loading what="the task run" />;
  const { taskRun: t, attempts, inputs, cache, result, storageBlock, subflowRunId } = details.data;
  return (
    <section class="task-run-page">
      <p class="crumbs">
        <a href={href("flow-runs")}>Flow runs</a>
        {t.flowRunId !== null && (
          <>
            {" / "}
            <a href={href("flow-runs", t.flowRunId)}>flow run</a>
          </>
        )}
      </p>
      <div class="page-head">
        <h1>{t.name}</h1>
        <StateBadge type={t.stateType} name={t.stateName} />
      </div>
      {(t.stateType === "FAILED" || t.stateType === "CRASHED") && <RunError message={t.stateMessage} states={states.data?.items ?? []} />}
      <div class="columns">
        <div>
          <h2>Task run</h2>
          <Facts
            items={[
              ["Id", <code>{t.id}</code>],
              ["Task key", <a href={href("caches", t.taskKey)} title="The cache of this task"><code class="break">{t.taskKey}</code></a>],
              ["Started", formatTime(t.startTime)],
              ["Ended", formatTime(t.endTime)],
              ["Duration", runDuration(t.startTime, t.endTime)],
              ["Attempts", String(attempts.length)],
              ...(subflowRunId === null ? [] : ([["Subflow run", <a href={href("flow-runs", subflowRunId)}>open the subflow run</a>]] as [string, ComponentChildren][])),
            ]}
          />
          <h2>Inputs</h2>
          {inputs === null ? (
            <p class="muted">Not recorded.</p>
          ) : inputs.length === 0 ? (
            <p class="muted">No inputs.</p>
          ) : (
            <ul class="inputs">
              {inputs.map((i) => (
                <li key={i.name}>
                  <code>{i.name}</code>
                  {i.upstream?.map((u) => (
                    <span key={u}>
                      {" "}
                      ← <a href={href("task-runs", u)}>upstream task run</a>
                    </span>
                  ))}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h2>Cache</h2>
          {cache === null ? (
            <p class="muted">This task run has no cache key.</p>
          ) : (
            <Facts
              items={[
                ["Cache key", <code class="break">{cache.key}</code>],
                [
                  "Outcome",
                  cache.hit ? (
                    <span class="cache-hit">
                      <strong>hit</strong>: the result of{" "}
                      {cache.entryTaskRunId === null ? "an earlier run" : <a href={href("task-runs", cache.entryTaskRunId)}>an earlier run</a>} was reused
                    </span>
                  ) : (
                    <span class="cache-miss">
                      <strong>miss</strong> ({cache.reason}): {cache.reason === null ? "" : MISS_REASONS[cache.reason]}
                      {cache.entryTaskRunId !== null && (
                        <>
                          {" "}
                          (<a href={href("task-runs", cache.entryTaskRunId)}>the entry</a>)
                        </>
                      )}
                      {cache.message !== null && <span class="muted"> — {cache.message}</span>}
                    </span>
                  ),
                ],
                ["Expiration", t.cacheExpiration === null ? (t.cacheKey === null ? "–" : "never") : formatTime(t.cacheExpiration)],
                ["Entries", <a href={href("caches", t.taskKey)}>all cache entries of this task</a>],
              ]}
            />
          )}
        </div>
      </div>
      <h2>Result</h2>
      <h3>Reference</h3>
      <ResultReference result={result} block={storageBlock} />
      <h3>Preview</h3>
      {result === null ? <p class="muted">Nothing to preview.</p> : <ResultPreview runId={t.id} key={refresh} />}
      <h2>Attempts</h2>
      <AttemptsTable attempts={attempts} />
      <h2>State history</h2>
      {states.data === undefined ? <Loading what="states" /> : <StateHistory states={states.data.items} />}
      <h2>Logs</h2>
      {logs.data === undefined ? <Loading what="logs" /> : <LogLines logs={logs.data.items} limit={LOG_LIMIT} />}
    </section>
  );
}

function AttemptsTable({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return <p class="muted">No attempt: the function was not called (the result came from the cache, or an earlier flow run attempt).</p>;
  return (
    <table class="table attempts">
      <thead>
        <tr>
          <th>#</th>
          <th>Outcome</th>
          <th>Started</th>
          <th>Duration</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => (
          <tr key={a.number}>
            <td>{a.number}</td>
            <td>
              <StateBadge type={a.stateType} name={a.stateType === "FAILED" && a.stateName === "AwaitingRetry" ? "Failed, retried" : a.stateName} />
            </td>
            <td class="nowrap">{formatTime(a.start)}</td>
            <td class="nowrap">{a.end === null ? "running" : formatDuration(Date.parse(a.end) - Date.parse(a.start))}</td>
            <td class="message">{a.message ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
