import { useMemo, useRef, useState } from "preact/hooks";
import type { FlowRunTimeline as Timeline, TimelineTaskRun } from "../api/api-client.js";
import { formatDuration, formatTime } from "../format.js";
import { useRenderedMark } from "../render-marks.js";
import { href } from "../router.js";

const ROW_HEIGHT = 24;
const OVERSCAN = 20;
const VIEW_ROWS = 24;

/** Counts of the task runs by final state name, for the legend. */
function countsByState(taskRuns: TimelineTaskRun[]): [string, string, number][] {
  const counts = new Map<string, [string, number]>();
  for (const t of taskRuns) {
    const c = counts.get(t.stateName);
    if (c === undefined) counts.set(t.stateName, [t.stateType, 1]);
    else c[1]++;
  }
  return [...counts].map(([name, [type, n]]) => [name, type, n]);
}

/**
 * A flow run's task runs as a Gantt chart: one row per task run (oldest first), one bar
 * per attempt coloured by how it ended, so retries show as separate bars; a Cached run
 * is a mark at the time it was found. Only the rows in view are drawn, so a flow of
 * 10,000 task runs scrolls as smoothly as one of ten.
 */
export function FlowRunTimeline({ timeline, flowStart, flowEnd }: { timeline: Timeline; flowStart: string | null; flowEnd: string | null }) {
  const { taskRuns } = timeline;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [now] = useState(() => Date.now());

  const span = useMemo(() => {
    let min = flowStart === null ? Infinity : Date.parse(flowStart);
    let max = flowEnd === null ? -Infinity : Date.parse(flowEnd);
    for (const t of taskRuns) {
      const created = Date.parse(t.created);
      if (created < min) min = created;
      const end = Date.parse(t.endTime ?? t.stateTimestamp);
      if (end > max) max = end;
      for (const a of t.attempts) if (a.end === null && now > max) max = now;
    }
    if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) max = (Number.isFinite(min) ? min : now) + 1;
    if (!Number.isFinite(min)) min = now;
    return { min, max, width: max - min };
  }, [taskRuns, flowStart, flowEnd, now]);

  const legend = useMemo(() => countsByState(taskRuns), [taskRuns]);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(taskRuns.length, Math.ceil((scrollTop + VIEW_ROWS * ROW_HEIGHT) / ROW_HEIGHT) + OVERSCAN);
  const pct = (t: number) => `${(((t - span.min) / span.width) * 100).toFixed(3)}%`;

  // The benchmark and the tests wait for the chart's first paint.
  useRenderedMark("cairn:timeline-rendered", scroller);

  if (taskRuns.length === 0) return <p class="muted">This flow run has no task runs.</p>;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => span.min + f * span.width);
  return (
    <div class="timeline">
      <p class="timeline-legend">
        {taskRuns.length} task run{taskRuns.length === 1 ? "" : "s"}
        {timeline.truncated ? " (the oldest 50,000 are shown)" : ""}:{" "}
        {legend.map(([name, type, n]) => (
          <span key={name} class="legend-item">
            <span class={`swatch state-${type.toLowerCase()}`} /> {n} {name}
          </span>
        ))}
        <span class="muted"> · {formatDuration(span.width)} in all</span>
      </p>
      <div class="timeline-axis">
        <div class="timeline-label" />
        <div class="timeline-track">
          {ticks.map((t, i) => (
            <span key={i} class="tick" style={{ left: `${i * 25}%` }}>
              {i === 0 ? formatTime(new Date(t).toISOString()) : `+${formatDuration(t - span.min)}`}
            </span>
          ))}
        </div>
      </div>
      <div
        ref={scroller}
        class="timeline-rows"
        style={{ height: `${Math.min(taskRuns.length, VIEW_ROWS) * ROW_HEIGHT + 2}px` }}
        onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
        data-task-runs={taskRuns.length}
      >
        <div style={{ height: `${taskRuns.length * ROW_HEIGHT}px`, position: "relative" }}>
          {taskRuns.slice(first, last).map((t, i) => (
            <div key={t.id} class="timeline-row" style={{ top: `${(first + i) * ROW_HEIGHT}px`, height: `${ROW_HEIGHT}px` }} data-task-run={t.name}>
              <span class="timeline-label">
                <a href={href("task-runs", t.id)} title={t.name}>
                  {t.name}
                </a>
                {t.subflowRunId !== null && (
                  <a class="subflow-link" href={href("flow-runs", t.subflowRunId)} title="Open the subflow run">
                    {" "}
                    subflow ↗
                  </a>
                )}
              </span>
              <div class="timeline-track">
                {t.attempts.length === 0 ? (
                  <span
                    class={`mark state-${t.stateType.toLowerCase()}`}
                    style={{ left: pct(Date.parse(t.stateTimestamp)) }}
                    title={`${t.name}: ${t.stateName} at ${formatTime(t.stateTimestamp)}`}
                  />
                ) : (
                  t.attempts.map((a) => {
                    const start = Date.parse(a.start);
                    const end = a.end === null ? now : Date.parse(a.end);
                    return (
                      <a
                        key={a.number}
                        href={href("task-runs", t.id)}
                        class={`bar state-${a.stateType.toLowerCase()}${a.end === null ? " running" : ""}`}
                        style={{ left: pct(start), width: `max(3px, ${(((end - start) / span.width) * 100).toFixed(3)}%)` }}
                        title={`${t.name}, attempt ${a.number}: ${a.stateName}, ${formatDuration(end - start)}${a.message ? ` — ${a.message}` : ""}`}
                        data-attempt={a.number}
                        data-state-type={a.stateType}
                      />
                    );
                  })
                )}
              </div>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
