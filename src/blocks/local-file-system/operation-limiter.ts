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
    const waiting = this.#take();
    if (waiting !== undefined) await waiting;
    try {
      return await fn();
    } finally {
      this.#release();
    }
  }

  /**
   * Waits for a slot and returns the function that gives it back (idempotent), for
   * operations that outlive one call, such as a file read or written in parts.
   */
  async acquire(): Promise<() => void> {
    const waiting = this.#take();
    if (waiting !== undefined) await waiting;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#release();
    };
  }

  /** Takes a free slot now (undefined), or resolves once one is handed over. */
  #take(): Promise<void> | undefined {
    if (this.#active < this.#max) {
      this.#active++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    // Hand the slot over directly, so `#active` stays unchanged.
    if (next === undefined) this.#active--;
    else next();
  }
}

/**
 * The limiter shared by every `LocalFileSystem` in the process: at most 128 file
 * operations in flight (Node's thread pool runs 4 at a time anyway).
 */
export const fileOperationLimiter = new OperationLimiter(128);
