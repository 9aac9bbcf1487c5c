import type { BaseResult, ResultRecord } from "./base-result.js";
import { MissingResult } from "./missing-result.js";

const NOT_HELD = Symbol("not-held");

/**
 * The result of a run that does not persist: available in memory only, in the process
 * that produced it. Rebuilt from the metadata store it holds nothing, and `get()`
 * rejects with {@link MissingResult}.
 */
export class UnpersistedResult<T = unknown> implements BaseResult<T> {
  readonly type = "unpersisted" as const;
  #value: T | typeof NOT_HELD;
  readonly #missing: string | undefined;

  private constructor(value: T | typeof NOT_HELD, missing?: string) {
    this.#value = value;
    this.#missing = missing;
  }

  /** A result holding `value` in memory. */
  static of<T>(value: T): UnpersistedResult<T> {
    return new UnpersistedResult<T>(value);
  }

  /**
   * The form rebuilt from the metadata store: it holds nothing.
   * @param why what `get()` rejects with (the {@link MissingResult}'s message), when more is known than "not persisted".
   */
  static missing<T = unknown>(why?: string): UnpersistedResult<T> {
    return new UnpersistedResult<T>(NOT_HELD, why);
  }

  /** Whether this process still holds the value. */
  get available(): boolean {
    return this.#value !== NOT_HELD;
  }

  get(): Promise<T> {
    if (this.#value === NOT_HELD) return Promise.reject(new MissingResult(this.#missing));
    return Promise.resolve(this.#value);
  }

  /** The value held in memory (undefined when not held). @internal */
  peek(): T | undefined {
    return this.#value === NOT_HELD ? undefined : this.#value;
  }

  toRecord(): ResultRecord {
    return { type: "unpersisted" };
  }
}
