import { CairnError, type CairnErrorContext } from "../../errors/cairn-error.js";

/** What a {@link SerializationError} knows about the failure. */
export interface SerializationErrorDetails {
  /** The type of the serializer that failed, e.g. `"json"`. */
  serializerType: string;
  /**
   * Where the offending value sits, e.g. `value.items[3].callback`; undefined when
   * the value could not be located.
   */
  path: string | undefined;
  /** What is wrong with it, e.g. `"is a function"`. */
  problem: string;
  /** What to do about it: another serializer, a registration, or `persistResult: false`. */
  suggestion: string;
  /**
   * Whose value it is, e.g. `"task 'extract-user'"`; the message then reads
   * "Cannot serialize the result of task 'extract-user' ...".
   * @default undefined (the message says "the value")
   */
  subject?: string | undefined;
}

/**
 * A value could not be serialized: it holds something the serializer cannot store.
 *
 * The message names the serializer, the path to the offending value and a way out.
 * The engine adds the task or flow name with {@link SerializationError.withSubject}.
 *
 * @example
 * ```ts
 * try {
 *   new JSONSerializer().dumps({ items: [{ callback: () => 1 }] });
 * } catch (err) {
 *   if (err instanceof SerializationError) {
 *     err.path;                                  // "value.items[0].callback"
 *     throw err.withSubject("task 'extract-user'");
 *   }
 * }
 * ```
 */
export class SerializationError extends CairnError {
  /** The type of the serializer that failed. */
  readonly serializerType: string;
  /** Path to the offending value (`value.a[0].b`), or undefined when it was not found. */
  readonly path: string | undefined;
  /** What is wrong with the value at {@link SerializationError.path}. */
  readonly problem: string;
  /** The way out the message suggests. */
  readonly suggestion: string;
  /** Whose value it is, when known. */
  readonly subject: string | undefined;

  constructor(
    details: SerializationErrorDetails,
    options: { cause?: unknown; context?: CairnErrorContext } = {},
  ) {
    super("SERIALIZATION_ERROR", SerializationError.formatMessage(details), options);
    this.serializerType = details.serializerType;
    this.path = details.path;
    this.problem = details.problem;
    this.suggestion = details.suggestion;
    this.subject = details.subject;
  }

  /**
   * The same error, its message naming whose value failed (and with extra context).
   *
   * @example
   * ```ts
   * err.withSubject("task 'extract-user'", { runName: "extract-user" }).message;
   * // 'Cannot serialize the result of task \'extract-user\' with the "json" serializer: ...'
   * ```
   */
  withSubject(subject: string, context: CairnErrorContext = {}): SerializationError {
    return new SerializationError(
      { ...this.details(), subject },
      { cause: this.cause, context: { ...this.context, ...context } },
    );
  }

  private details(): SerializationErrorDetails {
    return {
      serializerType: this.serializerType,
      path: this.path,
      problem: this.problem,
      suggestion: this.suggestion,
      subject: this.subject,
    };
  }

  private static formatMessage(d: SerializationErrorDetails): string {
    const whose = d.subject === undefined ? "the value" : `the result of ${d.subject}`;
    const where = d.path === undefined ? d.problem : `${shorten(d.path)} ${d.problem}`;
    return `Cannot serialize ${whose} with the "${d.serializerType}" serializer: ${where}. ${d.suggestion}`;
  }
}

/** Long paths (deep or cyclic structures) keep their start and end in messages. */
function shorten(path: string): string {
  return path.length <= 200 ? path : `${path.slice(0, 80)}…${path.slice(-100)}`;
}

/**
 * Returns true when `err` is a {@link SerializationError}.
 *
 * @example
 * ```ts
 * if (isSerializationError(err)) console.error(err.path, err.suggestion);
 * ```
 */
export function isSerializationError(err: unknown): err is SerializationError {
  return err instanceof SerializationError;
}
