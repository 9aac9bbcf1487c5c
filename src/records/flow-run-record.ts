import type { RunOwner } from "./run-owner.js";
import type { StateType } from "./state-type.js";

/** One row per flow run, carrying its current state. Upserted by id. */
export interface FlowRunRecord {
  id: string;
  /** The run's generated name, e.g. `"amber-otter"`. */
  name: string;
  flowName: string;
  flowVersion: string | null;
  /** JSON text of the parameters (values that are not JSON-able are summarised). */
  parameters: string;
  tags: string[];
  /** The task run in the parent flow that stands for this run when it is a subflow. */
  parentTaskRunId: string | null;
  stateType: StateType;
  stateName: string;
  stateMessage: string | null;
  stateTimestamp: string;
  /** Number of times the flow function was entered (1 + retries taken). */
  runCount: number;
  startTime: string | null;
  endTime: string | null;
  created: string;
  owner: RunOwner;
}
