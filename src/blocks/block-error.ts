import { CairnError, type CairnErrorContext } from "../errors/cairn-error.js";

/**
 * The stable codes a {@link BlockError} carries.
 *
 * @example
 * ```ts
 * if (isCairnError(err, BlockErrorCode.NotFound)) await new S3({ bucketPath }).save("prod");
 * ```
 */
export const BlockErrorCode = {
  /** No block document has that slug or id. */
  NotFound: "BLOCK_NOT_FOUND",
  /** A block is already saved under that name (and `overwrite: true` was not given). */
  AlreadyExists: "BLOCK_ALREADY_EXISTS",
  /** A block name or slug is malformed. */
  InvalidName: "BLOCK_INVALID_NAME",
  /** The name starts with `anonymous-`, kept for the documents Cairn saves anonymously. */
  ReservedName: "BLOCK_NAME_RESERVED",
  /** No block class is registered under that type slug. */
  UnknownType: "BLOCK_UNKNOWN_TYPE",
  /** A saved document does not hold valid fields for its block type. */
  InvalidDocument: "BLOCK_INVALID_DOCUMENT",
  /** The block is not a storage block (it has no `readPath`/`writePath`). */
  NotStorage: "BLOCK_NOT_STORAGE",
} as const;

/** One of the {@link BlockErrorCode} values. */
export type BlockErrorCode = (typeof BlockErrorCode)[keyof typeof BlockErrorCode];

/**
 * A block could not be saved, found, or rebuilt from its document. `context` names the
 * block type and name (never a secret).
 *
 * @example
 * ```ts
 * try {
 *   await S3.load("prod");
 * } catch (err) {
 *   if (err instanceof BlockError && err.code === "BLOCK_NOT_FOUND") console.error(err.message);
 * }
 * ```
 */
export class BlockError extends CairnError {
  declare readonly code: BlockErrorCode;

  constructor(code: BlockErrorCode, message: string, options: { cause?: unknown; context?: CairnErrorContext } = {}) {
    super(code, message, options);
  }
}
