import { CairnError } from "../errors/cairn-error.js";
import { describeSource, storageLabel, type ResultBlobSource } from "./blob/result-blob-source.js";

/**
 * A result read through its reference is a valid blob, but not the one the run recorded:
 * its integrity hash differs from the `integrity` the reference holds. Another write
 * reached the same key since (a run with the same `resultStorageKey`, a `refreshCache`
 * run, a file copied over it), so the value is refused rather than returned as the
 * run's. Code `RESULT_REPLACED`; the message names the key, the storage, the run and both
 * hashes. For a task cache lookup this is a miss with this reason.
 *
 * Reading the bare key (`readResult(key)`) never raises it: without a reference there is
 * nothing to compare with.
 *
 * @example
 * ```ts
 * try { await readResultReference(reference, { storage }); }
 * catch (err) { if (err instanceof ResultReplacedError) console.error(err.expected, err.found); }
 * ```
 */
export class ResultReplacedError extends CairnError {
  /** The storage key of the blob, when known. */
  readonly key: string | undefined;
  /** The storage's `describe()` label, when known. */
  readonly storage: string | undefined;
  /** The integrity hash the reference recorded (`sha256-...`). */
  readonly expected: string;
  /** The integrity hash of the blob found at the key now. */
  readonly found: string;
  /** The run that wrote the recorded blob, e.g. `task run 'extract-0' (0190...)`, when known. */
  readonly writtenBy: string | undefined;

  constructor(expected: string, found: string, source?: ResultBlobSource, writtenBy?: string) {
    const key = source?.key;
    const storage = storageLabel(source);
    super(
      "RESULT_REPLACED",
      `${describeSource(source)} was replaced since ${writtenBy ?? "the run that recorded it"} wrote it ` +
        `(expected ${expected}, found ${found}): another write to the same key holds different content now ` +
        `(a run with the same resultStorageKey, a refreshCache run, or a file copied over it). ` +
        `It was refused rather than return another run's value. Run the task or flow that produced it again ` +
        `(for a cached task, with refreshCache: true), or give runs that must keep their results distinct keys.`,
      { context: { key, storage, expected, found, writtenBy } },
    );
    this.key = key;
    this.storage = storage;
    this.expected = expected;
    this.found = found;
    this.writtenBy = writtenBy;
  }
}
