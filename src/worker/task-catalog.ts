import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { watchTaskDefinitions, type TaskDefinition } from "../engine/task.js";
import { errorMessage } from "../engine/run-attempts.js";
import { BullMQTaskRunner } from "../task-runners/bullmq/bullmq-task-runner.js";
import { DistributedError, DistributedErrorCode } from "../task-runners/bullmq/distributed-error.js";

/** A task a worker can run, and the `--module` it came from. */
interface CatalogEntry {
  readonly definition: TaskDefinition;
  readonly module: string;
}

/**
 * The tasks a worker's modules define, by task key. Importing a module records every
 * task created while it loads (exported or not, in files it imports too); a job names its
 * task by key. Two different tasks with one key are refused when the modules load.
 *
 * @example
 * ```ts
 * const catalog = await TaskCatalog.load(["./dist/flows.js"], process.cwd());
 * const definition = catalog.find("square-1a2b3c4d5e6f", "square-1a2b3c4d5e6f");
 * ```
 */
export class TaskCatalog {
  /** The modules as given, in load order. */
  readonly modules: readonly string[];
  /** The BullMQ task runners the modules' exports use (flows' `taskRunner`, or runner instances). */
  readonly runners: readonly BullMQTaskRunner[];
  readonly #byKey: ReadonlyMap<string, CatalogEntry>;

  private constructor(modules: readonly string[], byKey: ReadonlyMap<string, CatalogEntry>, runners: readonly BullMQTaskRunner[]) {
    this.modules = modules;
    this.#byKey = byKey;
    this.runners = runners;
  }

  /** Imports `modules` (paths relative to `cwd`, or file URLs) and collects their tasks. */
  static async load(modules: readonly string[], cwd: string): Promise<TaskCatalog> {
    if (modules.length === 0) {
      throw new DistributedError(
        DistributedErrorCode.InvalidWorkerOptions,
        "A worker needs at least one module that defines tasks: cairn worker start --module ./dist/flows.js",
      );
    }
    const byKey = new Map<string, CatalogEntry>();
    const runners = new Set<BullMQTaskRunner>();
    for (const module of modules) {
      const found: TaskDefinition[] = [];
      const stop = watchTaskDefinitions((definition) => found.push(definition));
      let exports: Record<string, unknown>;
      try {
        const url = module.startsWith("file:") ? module : pathToFileURL(resolve(cwd, module)).href;
        exports = (await import(url)) as Record<string, unknown>;
      } catch (error) {
        throw new DistributedError(
          DistributedErrorCode.ModuleLoadFailed,
          `The worker could not import the module ${module}: ${errorMessage(error)}. ` +
            "Check the path (relative to the working directory) and that it is JavaScript Node can run " +
            "(compile TypeScript first, or start the worker with NODE_OPTIONS=\"--import tsx\").",
          { cause: error, context: { module } },
        );
      } finally {
        stop();
      }
      for (const definition of found) {
        for (const key of new Set([definition.taskKey, definition.originKey])) add(byKey, key, { definition, module }, modules);
      }
      for (const value of Object.values(exports)) {
        if (value instanceof BullMQTaskRunner) runners.add(value);
        const runner = (value as { options?: { taskRunner?: unknown } } | null)?.options?.taskRunner;
        if (typeof value === "function" && runner instanceof BullMQTaskRunner) runners.add(runner);
      }
    }
    return new TaskCatalog(modules, byKey, [...runners]);
  }

  /** How many task keys the modules define. */
  get size(): number {
    return this.#byKey.size;
  }

  /** The task keys, sorted. */
  keys(): string[] {
    return [...this.#byKey.keys()].sort();
  }

  /**
   * The task a job names: by its task key, else by the key of the `task()` its function
   * came from (a renamed copy). Throws a {@link DistributedError} (`TASK_NOT_FOUND`)
   * naming the key and the modules loaded.
   */
  find(taskKey: string, originKey: string): TaskDefinition {
    const entry = this.#byKey.get(taskKey) ?? this.#byKey.get(originKey);
    if (entry !== undefined) return entry.definition;
    const keys = this.keys();
    const shown = keys.length > 20 ? `${keys.slice(0, 20).join(", ")}, ... (${keys.length} in all)` : keys.join(", ") || "none";
    throw new DistributedError(
      DistributedErrorCode.TaskNotFound,
      `This worker has no task with key '${taskKey}': the modules it loaded (${this.modules.join(", ")}) define ${shown}. ` +
        "Start the worker with --module naming the file that defines the task, built from the same source as the flow " +
        "(a task key ends with a hash of the task's source, so a changed task has a new key).",
      { context: { taskKey, modules: [...this.modules] } },
    );
  }
}

function add(byKey: Map<string, CatalogEntry>, key: string, entry: CatalogEntry, modules: readonly string[]): void {
  const known = byKey.get(key);
  if (known === undefined) {
    byKey.set(key, entry);
    return;
  }
  // withOptions copies keep the function: the same task.
  if (known.definition.fn === entry.definition.fn) return;
  throw new DistributedError(
    DistributedErrorCode.DuplicateTaskKey,
    `Two different tasks have the key '${key}' (one from ${known.module}, one from ${entry.module}; modules loaded: ` +
      `${modules.join(", ")}), so a job naming it could run either. Give one of them another name: task({ name: "..." }, fn).`,
    { context: { taskKey: key, modules: [...modules] } },
  );
}
