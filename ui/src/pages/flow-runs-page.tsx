import { useRef, useState } from "preact/hooks";
import { apiGet, type FlowRun } from "../api/api-client.js";
import { ErrorMessage, Loading } from "../components/error-message.js";
import { FlowRunFilters, filtersFromQuery, type FlowRunFilterValues } from "../components/flow-run-filters.js";
import { StateBadge } from "../components/state-badge.js";
import { FINAL_TYPES, formatTime, runDuration } from "../format.js";
import { useApi } from "../hooks/use-api.js";
import { useRenderedMark } from "../render-marks.js";
import { href, navigate, type Route } from "../router.js";

const PAGE_SIZE = 50;
const SINCE_MS: Record<string, number> = { "1h": 3600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 };

/** The API query of the filters (time ranges resolved now). */
function listQuery(f: FlowRunFilterValues, after: string | undefined) {
  const since = f.since === undefined ? undefined : SINCE_MS[f.since];
  const createdAfter = since !== undefined ? new Date(Date.now() - since).toISOString() : f.from === undefined ? undefined : new Date(f.from).toISOString();
  const createdBefore = f.to === undefined ? undefined : new Date(f.to).toISOString();
  return {
    limit: PAGE_SIZE,
    ...(f.flow === undefined ? {} : { flowName: f.flow }),
    ...(f.states === undefined ? {} : { stateTypes: f.states }),
    ...(f.tag === undefined ? {} : { tag: f.tag }),
    ...(createdAfter === undefined ? {} : { createdAfter }),
    ...(createdBefore === undefined ? {} : { createdBefore }),
    ...(after === undefined ? {} : { after }),
  };
}

/**
 * Flow runs, newest first, a page of 50 at a time (keyset paging on the server), with
 * filters; refreshes by itself (every 2 s while a run shown is in progress, else 3 s on
 * the first page).
 */
export function FlowRunsPage({ route }: { route: Route }) {
  const filters = filtersFromQuery(route.query);
  const after = route.query.get("after") ?? undefined;
  const [trail, setTrail] = useState<string[]>([]);
  const key = JSON.stringify([filters, after]);
  const runs = useApi((signal) => apiGet("/flow-runs", listQuery(filters, after), { signal }), [key], {
    refreshMs: (page) => {
      const inProgress = page?.items.some((r) => !FINAL_TYPES.has(r.stateType)) ?? false;
      if (inProgress) return 2000;
      return after === undefined ? 3000 : undefined;
    },
  });
  const go = (nextAfter: string | undefined) => navigate(href("flow-runs", { ...filterParams(filters), after: nextAfter }));

  return (
    <section>
      <div class="page-head">
        <h1>Flow runs</h1>
        <span class="muted live" title="The list refreshes by itself">
          {runs.updatedAt === undefined ? "" : `● live · updated ${runs.updatedAt.toLocaleTimeString()}`}
        </span>
      </div>
      <FlowRunFilters
        values={filters}
        onChange={(next) => {
          setTrail([]);
          navigate(href("flow-runs", filterParams(next)));
        }}
      />
      {runs.error !== undefined && <ErrorMessage error={runs.error} />}
      {runs.data === undefined && runs.error === undefined && <Loading what="flow runs" />}
      {runs.data !== undefined && <FlowRunsTable runs={runs.data.items} />}
      {runs.data !== undefined && (
        <nav class="pager">
          <button type="button" disabled={after === undefined} onClick={() => { setTrail([]); go(undefined); }}>
            ⇤ Newest
          </button>
          <button
            type="button"
            disabled={after === undefined}
            onClick={() => {
              const previous = trail.at(-1);
              setTrail(trail.slice(0, -1));
              go(previous === "" ? undefined : previous);
            }}
          >
            ← Newer
          </button>
          <button
            type="button"
            disabled={runs.data.nextOffset === null}
            onClick={() => {
              const last = runs.data?.items.at(-1);
              if (last === undefined) return;
              setTrail([...trail, after ?? ""]);
              go(last.id);
            }}
          >
            Older →
          </button>
        </nav>
      )}
    </section>
  );
}

function filterParams(f: FlowRunFilterValues): Record<string, string | undefined> {
  return { flow: f.flow, states: f.states, tag: f.tag, since: f.since, from: f.from, to: f.to };
}

/** The runs of one page. */
function FlowRunsTable({ runs }: { runs: FlowRun[] }) {
  const table = useRef<HTMLTableElement>(null);
  useRenderedMark("cairn:flow-runs-rendered", table);
  if (runs.length === 0) return <p class="muted empty">No flow runs match. Run a flow (`npm run demo`), or change the filters.</p>;
  return (
    <table class="table flow-runs" ref={table}>
      <thead>
        <tr>
          <th>State</th>
          <th>Flow run</th>
          <th>Tags</th>
          <th>Started</th>
          <th>Duration</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} data-flow-run={run.id}>
            <td>
              <StateBadge type={run.stateType} name={run.stateName} />
            </td>
            <td>
              <a href={href("flow-runs", run.id)}>
                <strong>{run.flowName}</strong> <span class="muted">/ {run.name}</span>
              </a>
              {run.parentTaskRunId !== null && <span class="muted small"> (subflow)</span>}
            </td>
            <td>
              {run.tags.map((t) => (
                <a key={t} class="tag" href={href("flow-runs", { tag: t })}>
                  {t}
                </a>
              ))}
            </td>
            <td class="nowrap">{formatTime(run.startTime ?? run.created)}</td>
            <td class="nowrap">{runDuration(run.startTime, run.endTime)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
