/** Who runs a run: lets a later process tell a live run from one whose process died. */
export interface RunOwner {
  /** Hostname of the machine running it. */
  host: string;
  /** Process id on that host. */
  pid: number;
  /** Random id of the engine instance (distinguishes reused pids). */
  engineId: string;
}
