import { CairnError, type CairnErrorContext } from "../../errors/cairn-error.js";

/** What a {@link DeserializationError} knows about the failure. */
export interface DeserializationErrorDetails {
  /** The type of the serializer that could not read the data. */
  serializerType: string;
  /** What went wrong, e.g. `"the data is not valid base64"`. */
  problem: string;
  /**
   * Where the data came from, e.g. `"result 'a1b2…' in local-file-system/dev"`.
   * @default undefined (the message says "the data")
   */
  subject?: string | undefined;
  /**
   * What to do about it.
   * @default advice for corrupt data: read it with the serializer configuration stored next to it
   */
  hint?: string | undefined;
}

const CORRUPT_DATA_HINT =
  "The data is corrupt or truncated, or was written by a different serializer or configuration; " +
  "read it with the serializer configuration stored next to it (resolveSerializer(blob.serializer)).";

/**
 * Stored data could not be turned back into a value: it is corrupt, truncated, or was
 * written by another serializer or configuration.
 *
 * @example
 * ```ts
 * try {
 *   await resolveSerializer("msgpack").loads("not msgpack");
 * } catch (err) {
 *   if (err instanceof DeserializationError) throw err.withSubject("result 'abc' in s3/dev");
 * }
 * ```
 */
export class DeserializationError extends CairnError {
  /** The type of the serializer that failed. */
  readonly serializerType: string;
  /** What went wrong. */
  readonly problem: string;
  /** Where the data came from, when known. */
  readonly subject: string | undefined;
  /** What the message advises. */
  readonly hint: string;

  constructor(
    details: DeserializationErrorDetails,
    options: { cause?: unknown; context?: CairnErrorContext } = {},
  ) {
    super("DESERIALIZATION_ERROR", DeserializationError.formatMessage(details), options);
    this.serializerType = details.serializerType;
    this.problem = details.problem;
    this.subject = details.subject;
    this.hint = details.hint ?? CORRUPT_DATA_HINT;
  }

  /** The same error, its message naming where the data came from. */
  withSubject(subject: string, context: CairnErrorContext = {}): DeserializationError {
    return new DeserializationError(
      { serializerType: this.serializerType, problem: this.problem, subject, hint: this.hint },
      { cause: this.cause, context: { ...this.context, ...context } },
    );
  }

  private static formatMessage(d: DeserializationErrorDetails): string {
    const what = d.subject ?? "the data";
    return `The "${d.serializerType}" serializer could not read ${what}: ${d.problem}. ${d.hint ?? CORRUPT_DATA_HINT}`;
  }
}

/**
 * Returns true when `err` is a {@link DeserializationError}.
 *
 * @example
 * ```ts
 * if (isDeserializationError(err)) console.error(`cannot read ${key}: ${err.problem}`);
 * ```
 */
export function isDeserializationError(err: unknown): err is DeserializationError {
  return err instanceof DeserializationError;
}

