import { Completed } from "../states/constructors.js";
import { isState, type State } from "../states/state.js";
import { UnpersistedResult } from "../results/unpersisted-result.js";
import type { BaseResult } from "../results/base-result.js";

/** Creates the result object of a run from its value (persisting it when the run persists). */
export type CreateResult = (value: unknown) => BaseResult | Promise<BaseResult>;

/**
 * Turns what a flow or task function returned into its final state:
 * a returned State is kept (a COMPLETED one gets its data turned into the run's result),
 * any other value becomes a COMPLETED state holding that value's result.
 * Errors from creating the result (serialization, storage) propagate: the caller fails the run.
 */
export function finalStateFor<T>(value: unknown, createResult: CreateResult): State<T> | Promise<State<T>> {
  if (isState(value)) {
    if (!value.isCompleted()) return value as State<T>;
    const data = value.data;
    let inner: unknown;
    if (data === undefined) inner = undefined;
    else if (data instanceof UnpersistedResult) inner = data.peek();
    else return value as State<T>; // already a stored result (e.g. returned from another run)
    return then(createResult(inner), (result) => (value as State<T>).copy({ data: result as BaseResult<T> }));
  }
  return then(createResult(value), (result) => Completed<T>({ data: result as BaseResult<T> }));
}

/** Applies `fn` now when `x` is a plain value, after it resolves when it is a promise. */
function then<A, B>(x: A | Promise<A>, fn: (a: A) => B): B | Promise<B> {
  return x instanceof Promise ? x.then(fn) : fn(x);
}
