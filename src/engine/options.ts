import { z } from "zod";
import { ConfigurationError } from "../errors/configuration-error.js";
import type { Serializer, SerializerConfig } from "../serializers/serializer.js";
import type { WritableFileSystem } from "../blocks/writable-file-system.js";
import type { TaskRunner } from "../task-runners/task-runner.js";
import type { CachePolicy } from "../caching/cache-policy.js";
import { NONE } from "../caching/policies.js";
import { validateStorageKeyTemplate } from "../results/storage-key-template.js";
import type { CacheKeyContext } from "../caching/cache-key-context.js";

/** Where results go: a storage block instance, or the slug `"block-type/name"` of a saved block. */
export type ResultStorageOption = WritableFileSystem | string;
/** How results are serialized: an instance, a type string (`"json"`, `"compressed/json"`), or a config. */
export type ResultSerializerOption = Serializer | string | SerializerConfig;

/** Options shared by flows and tasks (DESIGN §1). */
export interface RunOptions {
  /** Display name. @default the function's name, else the variable it is assigned to */
  name?: string;
  description?: string;
  version?: string;
  /** Tags recorded with each run. */
  tags?: string[];
  /** How many times a failed run is retried. @default 0 */
  retries?: number;
  /** Seconds to wait before each retry: one number, or one per retry (the last repeats). @default 0 */
  retryDelaySeconds?: number | number[];
  /** Fail the run with a timeout error after this many seconds. */
  timeoutSeconds?: number;
  /** `true`/`false` override every inference of whether the result is persisted (DESIGN §3). */
  persistResult?: boolean;
  /** Where persisted results go. */
  resultStorage?: ResultStorageOption;
  /** How persisted results are serialized. */
  resultSerializer?: ResultSerializerOption;
  /** `false`: keep no in-memory copy of the result; read it back from storage when needed. @default true */
  cacheResultInMemory?: boolean;
}

/** Options of a task (DESIGN §1). */
export interface TaskOptions<Args extends unknown[] = unknown[]> extends RunOptions {
  /** Returns a cache key for a call, or null/undefined for no caching. */
  cacheKeyFn?: (context: CacheKeyContext, args: Args) => string | null | undefined;
  /** A composable cache policy: `INPUTS`, `TASK_SOURCE`, `FLOW_PARAMETERS`, `RUN_ID`, `NONE`. */
  cachePolicy?: CachePolicy;
  /** Cached results older than this many seconds are a miss. */
  cacheExpirationSeconds?: number;
  /** Always run, and overwrite the cached entry. @default CAIRN_TASKS_REFRESH_CACHE */
  refreshCache?: boolean;
  /** Key template for the stored result, e.g. `"hello-{parameters.name}.json"`. */
  resultStorageKey?: string;
}

/** Options of a flow (DESIGN §1). */
export interface FlowOptions extends RunOptions {
  /** Where submitted tasks run. @default a concurrent task runner */
  taskRunner?: TaskRunner;
}

const nonNegativeNumber = z.number().finite().nonnegative();
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === "function", "expected a function");
const storage = z.custom<ResultStorageOption>(
  (v) =>
    (typeof v === "string" && /^[a-z0-9-]+\/[^/]+$/.test(v)) ||
    (typeof v === "object" && v !== null && typeof (v as WritableFileSystem).readPath === "function" && typeof (v as WritableFileSystem).writePath === "function"),
  'expected a storage block instance (e.g. new LocalFileSystem({ basepath })) or a saved block slug "block-type/name" (e.g. "s3/dev")',
);
const serializer = z.custom<ResultSerializerOption>(
  (v) =>
    (typeof v === "string" && v.length > 0) ||
    (typeof v === "object" && v !== null && (typeof (v as Serializer).dumps === "function" || typeof (v as SerializerConfig).type === "string")),
  'expected a serializer instance, a type string such as "json" or "compressed/msgpack", or a serializer config object with a "type"',
);

const runShape = {
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  version: z.string().optional(),
  tags: z.array(z.string()).optional(),
  retries: z.number().int().nonnegative().optional(),
  retryDelaySeconds: z.union([nonNegativeNumber, z.array(nonNegativeNumber).min(1)]).optional(),
  timeoutSeconds: z.number().finite().positive().optional(),
  persistResult: z.boolean().optional(),
  resultStorage: storage.optional(),
  resultSerializer: serializer.optional(),
  cacheResultInMemory: z.boolean().optional(),
};

const taskSchema = z.strictObject({
  ...runShape,
  cacheKeyFn: fn.optional(),
  cachePolicy: z.custom<CachePolicy>((v) => typeof v === "object" && v !== null && typeof (v as CachePolicy).computeKey === "function", "expected a cache policy such as INPUTS or TASK_SOURCE").optional(),
  cacheExpirationSeconds: z.number().finite().positive().optional(),
  refreshCache: z.boolean().optional(),
  resultStorageKey: z.string().min(1).optional(),
});

const flowSchema = z.strictObject({
  ...runShape,
  taskRunner: z.custom<TaskRunner>((v) => typeof v === "object" && v !== null && typeof (v as TaskRunner).submit === "function", "expected a task runner such as new ConcurrentTaskRunner()").optional(),
});

function describeIssues(error: z.ZodError, options: Record<string, unknown>): string {
  return error.issues
    .map((issue) => {
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => `unknown option "${k}"`).join("; ");
      }
      const key = issue.path.join(".");
      const value = issue.path.length > 0 ? options[String(issue.path[0])] : undefined;
      return `option "${key}": ${issue.message} (got ${describeValue(value)})`;
    })
    .join("; ");
}

function describeValue(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describeValue).join(", ")}]`;
  if (typeof value === "object" && value !== null) return `an object (${value.constructor?.name ?? "Object"})`;
  return String(value);
}

/** Checks task options where they are given; throws a ConfigurationError naming each problem. */
export function validateTaskOptions<Args extends unknown[]>(options: TaskOptions<Args>, label: string): TaskOptions<Args> {
  const parsed = taskSchema.safeParse(options);
  if (!parsed.success) {
    throw new ConfigurationError(`Invalid options for ${label}: ${describeIssues(parsed.error, options as Record<string, unknown>)}. See the task options table in the README.`);
  }
  if (options.persistResult === false && (options.cacheKeyFn !== undefined || (options.cachePolicy !== undefined && options.cachePolicy !== NONE))) {
    throw new ConfigurationError(
      `${label} sets persistResult: false together with ${options.cacheKeyFn !== undefined ? "cacheKeyFn" : "cachePolicy"}. ` +
        "Caching needs the result to be persisted so that a later run can read it back. " +
        "Remove persistResult: false, or remove the cache option.",
    );
  }
  if (options.resultStorageKey !== undefined) validateStorageKeyTemplate(options.resultStorageKey, label);
  return options;
}

/** Checks flow options where they are given; throws a ConfigurationError naming each problem. */
export function validateFlowOptions(options: FlowOptions, label: string): FlowOptions {
  const parsed = flowSchema.safeParse(options);
  if (!parsed.success) {
    throw new ConfigurationError(`Invalid options for ${label}: ${describeIssues(parsed.error, options as Record<string, unknown>)}. See the flow options table in the README.`);
  }
  return options;
}

/** The delay before retry number `retry` (1-based), in milliseconds. */
export function retryDelayMs(options: RunOptions, retry: number): number {
  const delay = options.retryDelaySeconds;
  if (delay === undefined) return 0;
  if (typeof delay === "number") return delay * 1000;
  return (delay[Math.min(retry - 1, delay.length - 1)] ?? 0) * 1000;
}
