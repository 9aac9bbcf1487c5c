import { isTaskFuture, type TaskFuture } from "./task-future.js";
import { errorMessage } from "./run-attempts.js";
import { UpstreamTaskError } from "./run-errors.js";
import type { TaskInput } from "../states/cache-outcome.js";

/** Whether any argument is a future (top level, or an element of a top-level array). */
export function hasFutures(args: readonly unknown[]): boolean {
  for (const arg of args) {
    if (isTaskFuture(arg) || (Array.isArray(arg) && arg.some(isTaskFuture))) return true;
  }
  return false;
}

/** Resolves futures among the arguments (top level, and elements of top-level arrays). */
export async function resolveFutures(args: readonly unknown[]): Promise<unknown[] | UpstreamTaskError> {
  const out: unknown[] = [];
  for (const arg of args) {
    if (isTaskFuture(arg)) {
      const value = await resolveOne(arg);
      if (value instanceof UpstreamTaskError) return value;
      out.push(value);
    } else if (Array.isArray(arg) && arg.some(isTaskFuture)) {
      const items: unknown[] = [];
      for (const item of arg) {
        const value = isTaskFuture(item) ? await resolveOne(item) : item;
        if (value instanceof UpstreamTaskError) return value;
        items.push(value);
      }
      out.push(items);
    } else {
      out.push(arg);
    }
  }
  return out;
}

export async function resolveOne(future: TaskFuture): Promise<unknown> {
  const state = await future.wait();
  if (!state.isCompleted()) {
    return new UpstreamTaskError(
      `Upstream task run '${future.taskRunName}' did not complete (state ${state.name}: ${state.message ?? "no message"}), ` +
        "so this task run, which takes its result as an argument, cannot start. Fix the upstream task, or catch its failure " +
        "and pass a fallback value instead of the future.",
      { cause: state.error, context: { taskRunId: future.taskRunId } },
    );
  }
  try {
    return await state.result();
  } catch (error) {
    return new UpstreamTaskError(
      `The result of upstream task run '${future.taskRunName}' could not be read: ${errorMessage(error)}`,
      { cause: error, context: { taskRunId: future.taskRunId } },
    );
  }
}

/**
 * The inputs a task run records: its parameter names, with the task runs whose futures
 * were passed for them (top level, or elements of a top-level array).
 */
export function taskInputs(parameters: Record<string, unknown>, rawArgs: readonly unknown[]): TaskInput[] {
  const names = Object.keys(parameters);
  const inputs: TaskInput[] = new Array<TaskInput>(names.length);
  for (let i = 0; i < names.length; i++) {
    const arg = rawArgs[i];
    let upstream: string[] | undefined;
    if (isTaskFuture(arg)) upstream = [arg.taskRunId];
    else if (Array.isArray(arg) && arg.some(isTaskFuture)) upstream = arg.filter(isTaskFuture).map((f) => f.taskRunId);
    inputs[i] = upstream === undefined ? { name: names[i]! } : { name: names[i]!, upstream };
  }
  return inputs;
}
