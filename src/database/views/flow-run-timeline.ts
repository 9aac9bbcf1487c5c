import type { Kysely } from "kysely";
import type { StateType } from "../../records/index.js";
import { selectRetriedTaskRunStates, selectSubflowRuns, selectTimelineTaskRuns } from "../queries/timeline-queries.js";
import type { CairnDatabase } from "../schema.js";
import { attemptsFromRow, attemptsFromStates, type Attempt, type StateMark } from "./attempts.js";

/** The most task runs one timeline holds. */
export const MAX_TIMELINE_TASK_RUNS = 50_000;

/** One bar group of a timeline: a task run and its attempts. */
export interface TimelineTaskRun {
  id: string;
  name: string;
  stateType: StateType;
  stateName: string;
  /** When its current state was recorded (for a Cached run: when it was found in the cache). */
  stateTimestamp: string;
  created: string;
  startTime: string | null;
  endTime: string | null;
  runCount: number;
  attempts: Attempt[];
  /** The subflow run this task run stands for, when it is one. */
  subflowRunId: string | null;
}

/** The task-run timeline of a flow run. */
export interface FlowRunTimeline {
  flowRunId: string;
  taskRuns: TimelineTaskRun[];
  /** True when the flow run has more task runs than {@link MAX_TIMELINE_TASK_RUNS} (the oldest are shown). */
  truncated: boolean;
}

/**
 * Reads the timeline of a flow run: its task runs oldest first, each with its attempts,
 * and the subflow runs they stand for. Three indexed queries, whatever the number of task
 * runs; the states are read only for runs that were retried (the row of a run entered
 * once tells its one attempt).
 *
 * @example
 * ```ts
 * const { taskRuns } = await readFlowRunTimeline(db, flowRunId);
 * ```
 */
export async function readFlowRunTimeline(db: Kysely<CairnDatabase>, flowRunId: string): Promise<FlowRunTimeline> {
  const [rows, marks, subflows] = await Promise.all([
    selectTimelineTaskRuns(db, flowRunId, MAX_TIMELINE_TASK_RUNS + 1).execute(),
    selectRetriedTaskRunStates(db, flowRunId).execute(),
    selectSubflowRuns(db, flowRunId).execute(),
  ]);
  const statesByRun = new Map<string, StateMark[]>();
  let current: StateMark[] | undefined;
  let currentId: string | undefined;
  for (const mark of marks) {
    if (mark.run_id !== currentId) {
      currentId = mark.run_id;
      current = [];
      statesByRun.set(currentId, current);
    }
    current!.push({ type: mark.type, name: mark.name, message: mark.message, timestamp: mark.timestamp });
  }
  const subflowByParent = new Map(subflows.map((s) => [s.parent_task_run_id, s.id]));
  const truncated = rows.length > MAX_TIMELINE_TASK_RUNS;
  const taskRuns = (truncated ? rows.slice(0, MAX_TIMELINE_TASK_RUNS) : rows).map(
    (r): TimelineTaskRun => ({
      id: r.id,
      name: r.name,
      stateType: r.state_type,
      stateName: r.state_name,
      stateTimestamp: r.state_timestamp,
      created: r.created,
      startTime: r.start_time,
      endTime: r.end_time,
      runCount: Number(r.run_count),
      attempts: attemptsFromRow(r) ?? attemptsFromStates(statesByRun.get(r.id) ?? []),
      subflowRunId: subflowByParent.get(r.id) ?? null,
    }),
  );
  return { flowRunId, taskRuns, truncated };
}
