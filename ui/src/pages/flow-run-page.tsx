import type { ComponentChildren } from "preact";
import { apiGet, type FlowRun } from "../api/api-client.js";
import { ErrorMessage, Loading } from "../components/error-message.js";
import { Facts } from "../components/facts.js";
import { FlowRunTimeline } from "../components/flow-run-timeline.js";
import { LogLines } from "../components/log-lines.js";
import { ResultPreview } from "../components/result-preview.js";
import { RunError } from "../components/run-error.js";
import { StateBadge } from "../components/state-badge.js";
import { StateHistory } from "../components/state-history.js";
import { FINAL_TYPES, formatTime, runDuration } from "../format.js";
import { useApi } from "../hooks/use-api.js";
import { href } from "../router.js";

const LOG_LIMIT = 1000;

/** One flow run: its facts, parameters, error, timeline, subflows, states, logs and result. Refreshes while it runs. */
export function FlowRunPage({ id }: { id: string }) {
  const live = (run: FlowRun | undefined) => (run === undefined || !FINAL_TYPES.has(run.stateType) ? 2000 : undefined);
  const run = useApi((signal) => apiGet("/flow-runs/{id}", { id }, { signal }), [id], { refreshMs: live });
  const runId = run.data?.id;
  const refresh = run.data === undefined ? undefined : run.data.stateType + run.data.stateTimestamp;
  const states = useApi((signal) => apiGet("/runs/{runId}/states", { runId: runId ?? id }, { signal }), [runId, refresh], { enabled: runId !== undefined });
  // Not waiting for the run: the timeline route takes the id (or prefix) as given. Fetched
  // again every 2 s while the run is in progress, and once more when it ends.
  const inProgress = run.data !== undefined && !FINAL_TYPES.has(run.data.stateType);
  const timeline = useApi((signal) => apiGet("/flow-runs/{id}/timeline", { id }, { signal }), [id, inProgress], {
    refreshMs: () => (inProgress ? 2000 : undefined),
  });
  const logs = useApi((signal) => apiGet("/logs", { flowRunId: runId ?? id, limit: LOG_LIMIT }, { signal }), [runId, refresh], { enabled: runId !== undefined });
  const parent = useApi(
    (signal) => apiGet("/task-runs/{id}", { id: run.data?.parentTaskRunId ?? "" }, { signal }),
    [run.data?.parentTaskRunId],
    { enabled: run.data?.parentTaskRunId != null },
  );

  if (run.error !== undefined) return <ErrorMessage error={run.error} title="This flow run cannot be shown" />;
  if (run.data === undefined) return <Loading what="the flow run" />;
  const r = run.data;
  const subflows = timeline.data?.taskRuns.filter((t) => t.subflowRunId !== null) ?? [];
  return (
    <section class="flow-run-page">
      <p class="crumbs">
        <a href={href("flow-runs")}>Flow runs</a> / <a href={href("flow-runs", { flow: r.flowName })}>{r.flowName}</a>
      </p>
      <div class="page-head">
        <h1>
          {r.flowName} <span class="muted">/ {r.name}</span>
        </h1>
        <StateBadge type={r.stateType} name={r.stateName} />
      </div>
      {(r.stateType === "FAILED" || r.stateType === "CRASHED" || r.stateType === "CANCELLED") && (
        <RunError message={r.stateMessage} states={states.data?.items ?? []} />
      )}
      <div class="columns">
        <div>
          <h2>Run</h2>
          <Facts
            items={[
              ["Id", <code>{r.id}</code>],
              ["Started", formatTime(r.startTime)],
              ["Ended", formatTime(r.endTime)],
              ["Duration", runDuration(r.startTime, r.endTime)],
              ["Attempts", String(r.runCount)],
              ["Version", r.flowVersion ?? "–"],
              [
                "Tags",
                r.tags.length === 0 ? "–" : r.tags.map((t) => (
                  <a key={t} class="tag" href={href("flow-runs", { tag: t })}>
                    {t}
                  </a>
                )),
              ],
              ["Host", `${r.owner.host} (pid ${r.owner.pid})`],
              ...(r.parentTaskRunId === null
                ? []
                : ([
                    [
                      "Parent",
                      parent.data === undefined ? (
                        <a href={href("task-runs", r.parentTaskRunId)}>task run {r.parentTaskRunId}</a>
                      ) : (
                        <span>
                          <a href={href("flow-runs", parent.data.flowRunId ?? "")}>parent flow run</a> (task run{" "}
                          <a href={href("task-runs", parent.data.id)}>{parent.data.name}</a>)
                        </span>
                      ),
                    ],
                  ] as [string, ComponentChildren][])),
            ]}
          />
        </div>
        <div>
          <h2>Parameters</h2>
          <Parameters json={r.parameters} />
        </div>
      </div>
      <h2>Task runs</h2>
      {timeline.error !== undefined && <ErrorMessage error={timeline.error} />}
      {timeline.data === undefined ? <Loading what="the timeline" /> : <FlowRunTimeline timeline={timeline.data} flowStart={r.startTime} flowEnd={r.endTime} />}
      {subflows.length > 0 && (
        <>
          <h2>Subflow runs</h2>
          <ul class="subflows">
            {subflows.map((t) => (
              <li key={t.id}>
                <a href={href("flow-runs", t.subflowRunId ?? "")}>{t.name}</a> <StateBadge type={t.stateType} name={t.stateName} />
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>State history</h2>
      {states.data === undefined ? <Loading what="states" /> : <StateHistory states={states.data.items} />}
      {r.stateType === "COMPLETED" && (
        <>
          <h2>Result</h2>
          <ResultPreview runId={r.id} />
        </>
      )}
      <h2>Logs</h2>
      {logs.data === undefined ? <Loading what="logs" /> : <LogLines logs={logs.data.items} limit={LOG_LIMIT} />}
    </section>
  );
}

/** A run's parameters (JSON text), one per line. */
function Parameters({ json }: { json: string }) {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return <code>{json}</code>;
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0) return <p class="muted">No parameters.</p>;
  return (
    <Facts
      items={entries.map(([k, v]): [string, ComponentChildren] => [k, <code class="break">{typeof v === "string" ? v : JSON.stringify(v)}</code>])}
    />
  );
}

