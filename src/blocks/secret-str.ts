import { inspect } from "node:util";

/** What a {@link SecretStr} shows instead of its value. */
export const SECRET_MASK = "********";

/**
 * A secret string (a password, an access key, a connection string) that never shows
 * itself by accident: `String(secret)`, `JSON.stringify(secret)`, template literals,
 * `console.log(secret)` and `util.inspect(secret)` all give `"********"`. Only
 * {@link SecretStr.getSecretValue} returns the value.
 *
 * Blocks keep their secret fields as `SecretStr` (their constructors accept plain
 * strings too), so a block printed, logged or serialized never leaks them.
 *
 * @example
 * ```ts
 * const key = new SecretStr(process.env.AWS_SECRET_ACCESS_KEY ?? "");
 * console.log(`${key}`);       // ********
 * sign(key.getSecretValue());  // the real value, only where it is needed
 * ```
 */
export class SecretStr {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== "string") {
      throw new TypeError(`SecretStr needs a string, got ${value === null ? "null" : typeof value}.`);
    }
    this.#value = value;
  }

  /**
   * Wraps a plain string; returns an existing `SecretStr` as it is and `undefined` as `undefined`.
   *
   * @example
   * ```ts
   * const secret = SecretStr.from(options.awsSecretAccessKey); // string | SecretStr | undefined
   * ```
   */
  static from(value: string | SecretStr): SecretStr;
  static from(value: string | SecretStr | undefined): SecretStr | undefined;
  static from(value: string | SecretStr | undefined): SecretStr | undefined {
    if (value === undefined || value instanceof SecretStr) return value;
    return new SecretStr(value);
  }

  /**
   * Replaces every occurrence of each secret's value in `text` with `"********"`: a last
   * line of defense for messages that quote what a server or SDK said.
   *
   * @example
   * ```ts
   * SecretStr.redact("key abc123 refused", [new SecretStr("abc123")]); // "key ******** refused"
   * ```
   */
  static redact(text: string, secrets: readonly (SecretStr | undefined)[]): string {
    let out = text;
    for (const secret of secrets) {
      const value = secret === undefined ? undefined : secret.#value;
      if (value !== undefined && value.length >= 4) out = out.split(value).join(SECRET_MASK);
    }
    return out;
  }

  /**
   * The secret itself. Call it only where the value is used (signing a request,
   * opening a connection), never to print it.
   *
   * @example
   * ```ts
   * new SecretStr("s3cr3t").getSecretValue(); // "s3cr3t"
   * ```
   */
  getSecretValue(): string {
    return this.#value;
  }

  /** Always `"********"`. */
  toString(): string {
    return SECRET_MASK;
  }

  /** Always `"********"`, so `JSON.stringify` never writes the secret. */
  toJSON(): string {
    return SECRET_MASK;
  }

  /** Always `"********"`, for `console.log` and `util.inspect`. */
  [inspect.custom](): string {
    return SECRET_MASK;
  }

  /** Always `"********"`, for template literals and string concatenation. */
  [Symbol.toPrimitive](): string {
    return SECRET_MASK;
  }
}
