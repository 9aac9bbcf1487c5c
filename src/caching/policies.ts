import type { CacheKeyContext } from "./cache-key-context.js";
import type { CachePolicy } from "./cache-policy.js";
import { stableHash } from "./stable-hash.js";

/** A cache policy that can be combined with others and (for INPUTS) exclude inputs. */
export abstract class ComposableCachePolicy implements CachePolicy {
  abstract readonly description: string;
  abstract computeKey(context: CacheKeyContext, args: readonly unknown[]): string | null;

  /**
   * A policy whose key combines this one's and the others'.
   *
   * @example
   * ```ts
   * task({ cachePolicy: INPUTS.add(TASK_SOURCE) }, fn);
   * ```
   */
  add(...others: CachePolicy[]): CompoundCachePolicy {
    return new CompoundCachePolicy([this, ...others]);
  }
}

/** Several policies combined: the key hashes every component's key (components without a key are left out). */
export class CompoundCachePolicy extends ComposableCachePolicy {
  readonly policies: readonly CachePolicy[];
  constructor(policies: readonly CachePolicy[]) {
    super();
    this.policies = policies.flatMap((p) => (p instanceof CompoundCachePolicy ? p.policies : [p]));
  }
  get description(): string {
    return this.policies.map((p) => p.description).join(" + ");
  }
  computeKey(context: CacheKeyContext, args: readonly unknown[]): string | null {
    if (this.policies.some((p) => p === NONE)) return null;
    const keys = this.policies.map((p) => p.computeKey(context, args)).filter((k): k is string => k !== null);
    return keys.length === 0 ? null : stableHash(keys);
  }
}

/** Caches on the task's inputs; `.exclude(...names)` leaves some inputs out of the key. */
export class InputsPolicy extends ComposableCachePolicy {
  readonly excluded: readonly string[];
  constructor(excluded: readonly string[] = []) {
    super();
    this.excluded = excluded;
  }
  get description(): string {
    return this.excluded.length === 0 ? "INPUTS" : `INPUTS.exclude(${this.excluded.map((e) => JSON.stringify(e)).join(", ")})`;
  }
  /**
   * The same policy, leaving these named inputs out of the key.
   *
   * @example
   * ```ts
   * task({ cachePolicy: INPUTS.exclude("verbose") }, (n: number, verbose: boolean) => n);
   * ```
   */
  exclude(...names: string[]): InputsPolicy {
    return new InputsPolicy([...this.excluded, ...names]);
  }
  computeKey(context: CacheKeyContext): string | null {
    const kept: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(context.parameters)) if (!this.excluded.includes(name)) kept[name] = value;
    return stableHash("inputs", kept);
  }
}

class TaskSourcePolicy extends ComposableCachePolicy {
  readonly description = "TASK_SOURCE";
  computeKey(context: CacheKeyContext): string | null {
    return stableHash("source", context.taskSource);
  }
}

class FlowParametersPolicy extends ComposableCachePolicy {
  readonly description = "FLOW_PARAMETERS";
  computeKey(context: CacheKeyContext): string | null {
    return stableHash("flow-parameters", context.flowRun?.parameters ?? {});
  }
}

class RunIdPolicy extends ComposableCachePolicy {
  readonly description = "RUN_ID";
  computeKey(context: CacheKeyContext): string | null {
    return stableHash("run-id", context.flowRun?.id ?? context.taskRunId);
  }
}

class NoCachePolicy extends ComposableCachePolicy {
  readonly description = "NONE";
  computeKey(): string | null {
    return null;
  }
}

/** Cache on the task's inputs (by parameter name). */
export const INPUTS: InputsPolicy = new InputsPolicy();
/** Cache on the task function's source text: editing the code is a miss. */
export const TASK_SOURCE: ComposableCachePolicy = new TaskSourcePolicy();
/** Cache on the enclosing flow run's parameters. */
export const FLOW_PARAMETERS: ComposableCachePolicy = new FlowParametersPolicy();
/** Cache within one flow run (or one standalone task run) only. */
export const RUN_ID: ComposableCachePolicy = new RunIdPolicy();
/** No caching. */
export const NONE: ComposableCachePolicy = new NoCachePolicy();

/**
 * A ready `cacheKeyFn`: a hash of the task's identity and its arguments.
 *
 * @example
 * ```ts
 * const slow = task({ cacheKeyFn: taskInputHash, cacheExpirationSeconds: 3600 }, fetchReport);
 * ```
 */
export function taskInputHash(context: CacheKeyContext, args: readonly unknown[]): string {
  return stableHash("task-input-hash", context.taskKey, context.parameters, args.length);
}
