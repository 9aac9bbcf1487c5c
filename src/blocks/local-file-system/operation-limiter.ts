/**
 * Caps how many asynchronous operations run at once; the rest wait in FIFO order.
 *
 * File descriptors are a per-process resource: ten thousand results written at once
 * would otherwise open ten thousand files and fail with `EMFILE`. Every
 * `LocalFileSystem` in the process shares {@link fileOperationLimiter}.
 *
 * @example
 * ```ts
 * const limiter = new OperationLimiter(8);
 * await Promise.all(keys.map((k) => limiter.run(() => readFile(k))));
 * ```
 */
export class OperationLimiter {
  readonly #max: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`OperationLimiter needs max >= 1, got ${max}`);
    this.#max = max;
  }

  /** Runs `fn` once fewer than `max` operations are active. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * Waits for a slot and returns the function that gives it back (call it exactly once),
   * for operations that outlive one call, such as an open file read in parts.
   */
  async acquire(): Promise<() => void> {
    if (this.#active >= this.#max) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // Hand the slot over directly, so `#active` stays unchanged.
      if (next === undefined) this.#active--;
      else next();
    };
  }
}

/**
 * The limiter shared by every `LocalFileSystem` in the process: at most 128 file
 * operations in flight (Node's thread pool runs 4 at a time anyway).
 */
export const fileOperationLimiter = new OperationLimiter(128);
