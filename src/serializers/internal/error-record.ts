/**
 * An Error as data: what serializers store so that a revived error keeps its class
 * (for the built-in error classes), name, message, stack, cause and own fields.
 * Children (`cause`, `errors`, `props`) are raw values; each format encodes them.
 */
export interface ErrorRecord {
  name: string;
  message: string;
  stack?: string | undefined;
  /** Present only when the error had a `cause` property. */
  cause?: unknown;
  /** `AggregateError#errors`. */
  errors?: unknown[] | undefined;
  /** Own enumerable fields other than name, message, stack and cause (e.g. `code`). */
  props?: Record<string, unknown> | undefined;
}

/** The built-in error classes a reader may rebuild; any other name becomes an `Error` with that name. */
const BUILT_IN_ERRORS: ReadonlyMap<string, ErrorConstructor> = new Map<string, ErrorConstructor>([
  ["Error", Error],
  ["TypeError", TypeError],
  ["RangeError", RangeError],
  ["SyntaxError", SyntaxError],
  ["ReferenceError", ReferenceError],
  ["EvalError", EvalError],
  ["URIError", URIError],
]);

const OWN_KEYS_IN_RECORD = new Set(["name", "message", "stack", "cause"]);

/** Describes an error as an {@link ErrorRecord}. */
export function toErrorRecord(error: Error): ErrorRecord {
  const record: ErrorRecord = { name: String(error.name), message: String(error.message) };
  if (typeof error.stack === "string") record.stack = error.stack;
  if ("cause" in error) record.cause = error.cause;
  if (error instanceof AggregateError && Array.isArray(error.errors)) record.errors = error.errors;
  let props: Record<string, unknown> | undefined;
  for (const key of Object.keys(error)) {
    if (OWN_KEYS_IN_RECORD.has(key)) continue;
    props ??= {};
    defineField(props, key, (error as unknown as Record<string, unknown>)[key]);
  }
  if (props !== undefined) record.props = props;
  return record;
}

/**
 * Rebuilds an error from its record. Only the built-in error classes are used: the name
 * of any other class is kept as `name`, and no code named in the data is looked up.
 */
export function fromErrorRecord(record: ErrorRecord): Error {
  const name = String(record.name);
  const message = String(record.message);
  const options = "cause" in record ? { cause: record.cause } : undefined;
  let error: Error;
  if (name === "AggregateError") {
    error = new AggregateError(record.errors ?? [], message, options);
  } else {
    // A Map, not an object: a name such as "constructor" or "__proto__" must not find Object's own members.
    const Ctor = BUILT_IN_ERRORS.get(name) ?? Error;
    error = new Ctor(message, options);
    if (error.name !== name) hidden(error, "name", name);
  }
  hidden(error, "stack", typeof record.stack === "string" ? record.stack : `${name}: ${message}`);
  if (record.props !== undefined) {
    for (const key of Object.keys(record.props)) defineField(error, key, record.props[key]);
  }
  return error;
}

function hidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/** Sets an own enumerable field; safe for keys such as `__proto__`. */
export function defineField(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: true });
}
