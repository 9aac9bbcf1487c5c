import { CairnError } from "../../errors/cairn-error.js";
import { describeSource, storageLabel, type ResultBlobSource } from "./result-blob-source.js";

/**
 * A stored result blob is truncated, corrupted or edited: invalid UTF-8 or JSON, a
 * wrong shape, or an integrity hash that does not match. The result is refused, never
 * returned possibly wrong. Code `RESULT_CORRUPTED`; the message names the key and the
 * storage.
 *
 * @example
 * ```ts
 * try { decodePersistedResultBlob(bytes, { key, storage }); }
 * catch (err) { if (err instanceof ResultIntegrityError) console.error(err.reason); }
 * ```
 */
export class ResultIntegrityError extends CairnError {
  /** The storage key of the blob, when known. */
  readonly key: string | undefined;
  /** The storage's `describe()` label, when known. */
  readonly storage: string | undefined;
  /** What is wrong with the blob, e.g. `its integrity hash does not match its content`. */
  readonly reason: string;

  constructor(reason: string, source?: ResultBlobSource, options: { cause?: unknown } = {}) {
    const key = source?.key;
    const storage = storageLabel(source);
    super(
      "RESULT_CORRUPTED",
      `${describeSource(source)} is corrupted: ${reason}. It was refused rather than risk returning a wrong value. ` +
        `Run the task or flow that produced it again (for a cached task, with refreshCache: true), or delete it.`,
      { cause: options.cause, context: { key, storage } },
    );
    this.key = key;
    this.storage = storage;
    this.reason = reason;
  }
}
