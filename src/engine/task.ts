import { createHash } from "node:crypto";
import { captureDefinitionSite } from "../utils/definition-site.js";
import { parameterNames } from "../utils/parameter-names.js";
import type { State } from "../states/state.js";
import { validateTaskOptions, type TaskOptions } from "./options.js";
import type { RunValue } from "./flow.js";
import type { TaskFuture } from "./task-future.js";
import { callTask, submitTask } from "./task-run.js";
import { mapArguments } from "./map-arguments.js";

/** An argument of a task: the value itself, or a future of it (resolved before the task runs). */
export type TaskArgs<Args extends unknown[]> = { [K in keyof Args]: Args[K] | TaskFuture<Args[K]> };

/** Arguments of `task.map()`: each mapped over as an iterable, or broadcast with `unmapped()`. */
export type MapArgs<Args extends unknown[]> = {
  [K in keyof Args]: Iterable<Args[K] | TaskFuture<Args[K]>> | Unmapped<Args[K]>;
};

/** A value passed unchanged to every call of `task.map()`. See {@link unmapped}. */
export interface Unmapped<T> {
  readonly __unmapped: true;
  readonly value: T;
}

/**
 * Marks an argument of `task.map()` as the same for every call instead of mapped over.
 *
 * @example
 * ```ts
 * add.map([1, 2, 3], unmapped(10)); // add(1, 10), add(2, 10), add(3, 10)
 * ```
 */
export function unmapped<T>(value: T): Unmapped<T> {
  return { __unmapped: true, value };
}

/** What the engine needs to run a task. @internal */
export interface TaskDefinition {
  readonly name: string;
  /** Stable identity across processes: name, definition site and a hash of the source. */
  readonly taskKey: string;
  /** The key `task()` gave the function: a renamed `withOptions` copy keeps it (workers find the function by it). */
  readonly originKey: string;
  readonly options: TaskOptions<any>;
  readonly fn: (...args: any[]) => unknown;
  readonly parameterNames: readonly string[];
  readonly source: string;
}

/**
 * A task: call it inside a flow to create a task run, or outside any flow for a
 * standalone task run.
 *
 * @example
 * ```ts
 * const double = task((n: number) => n * 2);
 * await double(21);                 // 42
 * const f = double.submit(21);      // TaskFuture<number>
 * const all = double.map([1, 2, 3]);// TaskFuture<number>[]
 * ```
 */
export interface Task<Args extends unknown[] = unknown[], R = unknown> {
  /** Runs the task; resolves to its return value, rejects with its error when it fails. */
  (...args: TaskArgs<Args>): Promise<RunValue<R>>;
  /** Submits the task to the flow's task runner; returns a future at once. */
  submit(...args: TaskArgs<Args>): TaskFuture<RunValue<R>>;
  /** Submits one task run per element of the iterables (zipped); other arguments via `unmapped()`. */
  map(...args: MapArgs<Args>): TaskFuture<RunValue<R>>[];
  /** Runs the task; resolves to its final State, never rejecting for a failed run. */
  returnState(...args: TaskArgs<Args>): Promise<State<RunValue<R>>>;
  /** A new task with these options overridden. */
  withOptions(options: Partial<TaskOptions<Args>>): Task<Args, R>;
  /** The task's name. */
  readonly taskName: string;
  /** The task's stable key. */
  readonly taskKey: string;
  readonly options: Readonly<TaskOptions<Args>>;
  readonly fn: (...args: Args) => R;
}

/**
 * Defines a task. `fn` may be sync or async; the task's name defaults to the function's
 * name, else to the variable it is assigned to.
 *
 * @example
 * ```ts
 * const extractNumber = task({ retries: 2 }, async () => 42);
 * ```
 */
export function task<Args extends unknown[], R>(fn: (...args: Args) => R): Task<Args, R>;
export function task<Args extends unknown[], R>(options: TaskOptions<Args>, fn: (...args: Args) => R): Task<Args, R>;
export function task<Args extends unknown[], R>(
  optionsOrFn: TaskOptions<Args> | ((...args: Args) => R),
  maybeFn?: (...args: Args) => R,
): Task<Args, R> {
  const [options, fn] = typeof optionsOrFn === "function" ? [{} as TaskOptions<Args>, optionsOrFn] : [optionsOrFn, maybeFn];
  if (typeof fn !== "function") {
    throw new TypeError("task() needs a function: task(fn) or task(options, fn).");
  }
  const site = captureDefinitionSite(1);
  const name = options.name ?? (fn.name || site.variableName || "task");
  const source = Function.prototype.toString.call(fn);
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 12);
  return makeTask<Args, R>({
    name,
    taskKey: `${name}-${hash}`,
    originKey: `${name}-${hash}`,
    options: validateTaskOptions(options, `task '${name}'`),
    fn,
    parameterNames: parameterNames(fn),
    source,
  });
}

/** Who is told of each task defined (see {@link watchTaskDefinitions}). */
const definitionWatchers = new Set<(definition: TaskDefinition) => void>();

/**
 * Calls `watcher` with the definition of every task created (by `task()` or
 * `withOptions`) until the returned function is called. A worker uses it while it imports
 * its modules, to find their tasks by task key. @internal
 *
 * @example
 * ```ts
 * const seen: TaskDefinition[] = [];
 * const stop = watchTaskDefinitions((d) => seen.push(d));
 * await import("./flows.js");
 * stop();
 * ```
 */
export function watchTaskDefinitions(watcher: (definition: TaskDefinition) => void): () => void {
  definitionWatchers.add(watcher);
  return () => definitionWatchers.delete(watcher);
}

function makeTask<Args extends unknown[], R>(definition: TaskDefinition): Task<Args, R> {
  type V = RunValue<R>;
  for (const watcher of definitionWatchers) watcher(definition);
  const call = async (...args: TaskArgs<Args>): Promise<V> => {
    const state = await callTask<V>(definition, args);
    return state.result();
  };
  const extras = {
    submit: (...args: TaskArgs<Args>) => submitTask<V>(definition, args),
    map: (...args: MapArgs<Args>) => mapArguments(args).map((callArgs) => submitTask<V>(definition, callArgs)),
    returnState: (...args: TaskArgs<Args>) => callTask<V>(definition, args),
    withOptions: (overrides: Partial<TaskOptions<Args>>) => {
      const options = { ...definition.options, ...overrides };
      const name = overrides.name ?? definition.name;
      const taskKey = overrides.name === undefined ? definition.taskKey : `${name}-${definition.taskKey.slice(-12)}`;
      return makeTask<Args, R>({ ...definition, name, taskKey, options: validateTaskOptions(options, `task '${name}'`) });
    },
    taskName: definition.name,
    taskKey: definition.taskKey,
    options: definition.options,
    fn: definition.fn,
  };
  Object.defineProperty(call, "name", { value: definition.name });
  return Object.assign(call, extras) as Task<Args, R>;
}
