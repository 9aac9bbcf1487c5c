import { captureDefinitionSite } from "../utils/definition-site.js";
import { parameterNames } from "../utils/parameter-names.js";
import type { State } from "../states/state.js";
import { validateFlowOptions, type FlowOptions } from "./options.js";
import { runFlow } from "./flow-run.js";

/** The value a run of a function returning `R` yields: a returned State is unwrapped. */
export type RunValue<R> = Awaited<R> extends State<infer X> ? X : Awaited<R>;

/** What the engine needs to run a flow. @internal */
export interface FlowDefinition {
  readonly name: string;
  readonly options: FlowOptions;
  readonly fn: (...args: any[]) => unknown;
  readonly parameterNames: readonly string[];
  readonly definedAt: string | undefined;
}

/**
 * A flow: call it to create a flow run (a subflow run when called inside a flow).
 *
 * @example
 * ```ts
 * const hello = flow({ name: "hello" }, (name: string) => `Hello ${name}`);
 * await hello("Marvin");              // "Hello Marvin"
 * await hello.returnState("Marvin");  // State { type: "COMPLETED", ... }
 * ```
 */
export interface Flow<Args extends unknown[] = unknown[], R = unknown> {
  /** Runs the flow; resolves to its return value, rejects with its error when the run fails. */
  (...args: Args): Promise<RunValue<R>>;
  /** Runs the flow; resolves to its final State, never rejecting for a failed run. */
  returnState(...args: Args): Promise<State<RunValue<R>>>;
  /** A new flow with these options overridden. */
  withOptions(options: Partial<FlowOptions>): Flow<Args, R>;
  /** The flow's name. */
  readonly flowName: string;
  /** The options the flow was defined with. */
  readonly options: Readonly<FlowOptions>;
  /** The wrapped function. */
  readonly fn: (...args: Args) => R;
}

/**
 * Defines a flow. `fn` may be sync or async; the flow's name defaults to the function's
 * name, else to the variable it is assigned to.
 *
 * @example
 * ```ts
 * const myFlow = flow({ name: "my-flow", retries: 2 }, async () => {
 *   const user = await extractUser();
 *   return `Hello ${user}`;
 * });
 * ```
 */
export function flow<Args extends unknown[], R>(fn: (...args: Args) => R): Flow<Args, R>;
export function flow<Args extends unknown[], R>(options: FlowOptions, fn: (...args: Args) => R): Flow<Args, R>;
export function flow<Args extends unknown[], R>(
  optionsOrFn: FlowOptions | ((...args: Args) => R),
  maybeFn?: (...args: Args) => R,
): Flow<Args, R> {
  const [options, fn] = typeof optionsOrFn === "function" ? [{}, optionsOrFn] : [optionsOrFn, maybeFn];
  if (typeof fn !== "function") {
    throw new TypeError("flow() needs a function: flow(fn) or flow(options, fn).");
  }
  const site = captureDefinitionSite(1);
  const name = options.name ?? (fn.name || site.variableName || "flow");
  return makeFlow<Args, R>({
    name,
    options: validateFlowOptions(options, `flow '${name}'`),
    fn,
    parameterNames: parameterNames(fn),
    definedAt: site.location,
  });
}

function makeFlow<Args extends unknown[], R>(definition: FlowDefinition): Flow<Args, R> {
  const call = async (...args: Args): Promise<RunValue<R>> => {
    const state = await runFlow<RunValue<R>>(definition, args);
    return state.result();
  };
  const extras = {
    returnState: (...args: Args) => runFlow<RunValue<R>>(definition, args),
    withOptions: (overrides: Partial<FlowOptions>) => {
      const options = { ...definition.options, ...overrides };
      const name = overrides.name ?? definition.name;
      return makeFlow<Args, R>({ ...definition, name, options: validateFlowOptions(options, `flow '${name}'`) });
    },
    flowName: definition.name,
    options: definition.options,
    fn: definition.fn,
  };
  Object.defineProperty(call, "name", { value: definition.name });
  return Object.assign(call, extras) as Flow<Args, R>;
}
