import { CairnError } from "../errors/cairn-error.js";
import { describeSource, storageLabel, type ResultBlobSource } from "./blob/result-blob-source.js";

/**
 * A result blob is larger than the reader's size cap (`maxBytes` of
 * `readResultReference`, e.g. the server's result preview): it was not read or
 * deserialized. Code `RESULT_TOO_LARGE`.
 *
 * @example
 * ```ts
 * try { await readResultReference(reference, { storage, maxBytes: 1_000_000 }); }
 * catch (err) { if (err instanceof ResultTooLargeError) showSummary(err.size); }
 * ```
 */
export class ResultTooLargeError extends CairnError {
  /** The storage key of the blob, when known. */
  readonly key: string | undefined;
  /** The storage's `describe()` label, when known. */
  readonly storage: string | undefined;
  /** The blob's size in bytes. */
  readonly size: number;
  /** The cap it exceeds, in bytes. */
  readonly maxBytes: number;

  constructor(size: number, maxBytes: number, source?: ResultBlobSource) {
    const key = source?.key;
    const storage = storageLabel(source);
    super(
      "RESULT_TOO_LARGE",
      `${describeSource(source)} is ${size} bytes, more than the ${maxBytes} bytes this reader accepts, so it was not read. ` +
        "Read it with readResult(key, { storage }) or `cairn result read KEY`, which have no size cap.",
      { context: { key, storage, size, maxBytes } },
    );
    this.key = key;
    this.storage = storage;
    this.size = size;
    this.maxBytes = maxBytes;
  }
}
