import { CairnError } from "../../errors/cairn-error.js";
import { describeSource, storageLabel, type ResultBlobSource } from "./result-blob-source.js";

/**
 * A result blob was written in a format version newer than this Cairn can read (by a
 * newer Cairn). Code `RESULT_BLOB_VERSION_UNSUPPORTED`; the message says to upgrade.
 *
 * @example
 * ```ts
 * if (err instanceof UnsupportedResultBlobVersionError) console.error(`upgrade to ${err.writtenBy}`);
 * ```
 */
export class UnsupportedResultBlobVersionError extends CairnError {
  /** The blob's format version (its `cairn` field). */
  readonly version: number;
  /** The Cairn version that wrote it, when the blob says. */
  readonly writtenBy: string | undefined;

  constructor(
    version: number,
    supported: { newest: number; running: string },
    writtenBy: string | undefined,
    source?: ResultBlobSource,
  ) {
    super(
      "RESULT_BLOB_VERSION_UNSUPPORTED",
      `${describeSource(source)} is in result blob format version ${version}` +
        `${writtenBy === undefined ? "" : ` (written by Cairn ${writtenBy})`}, but this Cairn (${supported.running}) ` +
        `reads format versions 1 to ${supported.newest}. Upgrade Cairn` +
        `${writtenBy === undefined ? "" : ` to ${writtenBy} or later`} to read it.`,
      { context: { key: source?.key, storage: storageLabel(source), version, writtenBy } },
    );
    this.version = version;
    this.writtenBy = writtenBy;
  }
}
