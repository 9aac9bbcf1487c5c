/**
 * What became of a written batch.
 *
 * @example
 * ```ts
 * const outcome = await service.writeBatch(batch, { batchId });
 * if (!outcome.applied) console.log("a retry: the batch was written before");
 * ```
 */
export interface WriteOutcome {
  /** False when the batch id had been applied already (a retry): nothing was written again. */
  applied: boolean;
  /** Rows the database refused (bad data); the rest of the batch was written. */
  refused: number;
  /** Why the first refused rows were refused (at most a few messages). */
  errors: string[];
}

/** The outcome of a batch written whole. */
export const APPLIED: WriteOutcome = Object.freeze({ applied: true, refused: 0, errors: [] }) as WriteOutcome;
/** The outcome of a batch whose id had been applied before. */
export const ALREADY_APPLIED: WriteOutcome = Object.freeze({ applied: false, refused: 0, errors: [] }) as WriteOutcome;

/**
 * The outcome of a batch written row by row, some rows refused.
 *
 * @example
 * ```ts
 * refusedOutcome([new Error("NOT NULL constraint failed")]); // { applied: true, refused: 1, errors: [...] }
 * ```
 */
export function refusedOutcome(errors: readonly unknown[]): WriteOutcome {
  return {
    applied: true,
    refused: errors.length,
    errors: errors.slice(0, 5).map((e) => (e instanceof Error ? e.message : String(e))),
  };
}
