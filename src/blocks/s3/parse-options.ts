import { ConfigurationError } from "../../errors/configuration-error.js";
import { SECRET_MASK, SecretStr } from "../secret-str.js";

/** What a bucket (or container) name must look like, for {@link parseBucketPath}. */
export interface BucketNameRule {
  /** The accepted names. */
  pattern: RegExp;
  /** The rule in words, for the error message. */
  description: string;
  /** A URL scheme accepted (and dropped) in front of the path, e.g. `"s3://"`. */
  scheme: string;
  /** What the name names: `"bucket"`, `"container"`. */
  noun: string;
}

/** S3's bucket naming rules (loosened to admit legacy names with capitals and underscores). */
export const S3_BUCKET_NAME: BucketNameRule = {
  pattern: /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$/,
  description: "3 to 63 letters, digits, dots, hyphens or underscores, starting and ending with a letter or digit",
  scheme: "s3://",
  noun: "bucket",
};

/** A bucket and the key prefix inside it (no leading or trailing `/`; `""` for none). */
export interface BucketLocation {
  bucket: string;
  prefix: string;
}

/**
 * Splits `"bucket/prefix/sub"` (or `"s3://bucket/prefix/sub/"`) into bucket and prefix.
 *
 * @throws {ConfigurationError} when the bucket name or a prefix segment is not valid.
 *
 * @example
 * ```ts
 * parseBucketPath("results/dev/flows", "S3", "bucketPath"); // { bucket: "results", prefix: "dev/flows" }
 * ```
 */
export function parseBucketPath(value: unknown, blockName: string, option: string, rule: BucketNameRule = S3_BUCKET_NAME): BucketLocation {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigurationError(
      `${blockName} option ${option} is required: give "${rule.noun}" or "${rule.noun}/prefix", got ${value === undefined ? "nothing" : JSON.stringify(value)}.`,
    );
  }
  const path = value.startsWith(rule.scheme) ? value.slice(rule.scheme.length) : value;
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.indexOf("/");
  const bucket = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const prefix = slash < 0 ? "" : trimmed.slice(slash + 1);
  if (!rule.pattern.test(bucket)) {
    throw new ConfigurationError(
      `${blockName} option ${option} ${JSON.stringify(value)} does not start with a valid name: ${JSON.stringify(bucket)} ` +
        `must be ${rule.description}.`,
    );
  }
  for (const segment of prefix === "" ? [] : prefix.split("/")) {
    if (segment === "" || segment === "." || segment === ".." || segment.includes("\\") || segment.includes("\0")) {
      throw new ConfigurationError(
        `${blockName} option ${option} ${JSON.stringify(value)} has an invalid prefix ${JSON.stringify(prefix)}: ` +
          `use '/'-separated names without empty, '.' or '..' segments, e.g. "${bucket}/results/dev".`,
      );
    }
  }
  return { bucket, prefix };
}

/**
 * Checks an endpoint URL option and returns it normalized (no trailing `/`).
 *
 * @example
 * ```ts
 * parseEndpointUrl("http://127.0.0.1:9000/", "S3", "endpointUrl"); // "http://127.0.0.1:9000"
 * ```
 */
export function parseEndpointUrl(value: unknown, blockName: string, option: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ConfigurationError(
      `${blockName} option ${option} must be an http:// or https:// URL such as "http://127.0.0.1:9000", got ${JSON.stringify(value)}.`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigurationError(
      `${blockName} option ${option} must not hold credentials (user:password@): pass them as their own options, which are kept secret.`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * Checks the upload part size option.
 *
 * @example
 * ```ts
 * parsePartSize(undefined, "S3", "uploadPartSize", 5 * 1024 * 1024, 8 * 1024 * 1024); // 8388608
 * ```
 */
export function parsePartSize(value: unknown, blockName: string, option: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigurationError(
      `${blockName} option ${option} must be a whole number of bytes, at least ${min}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/**
 * Checks a secret option (a non-empty string or {@link SecretStr}) and wraps it; the
 * error never quotes the value.
 *
 * @example
 * ```ts
 * parseSecret(options.awsSecretAccessKey, "S3", "awsSecretAccessKey"); // SecretStr | undefined
 * ```
 */
export function parseSecret(value: unknown, blockName: string, option: string): SecretStr | undefined {
  if (value === undefined) return undefined;
  if (value === SECRET_MASK || (value instanceof SecretStr && value.getSecretValue() === SECRET_MASK)) {
    throw new ConfigurationError(
      `${blockName} option ${option} is the mask "${SECRET_MASK}", not a secret: the configuration was read without its secrets. ` +
        `Pass the real value, or read the configuration with includeSecrets: true.`,
    );
  }
  if (value instanceof SecretStr) {
    if (value.getSecretValue() !== "") return value;
  } else if (typeof value === "string" && value !== "") {
    return new SecretStr(value);
  }
  throw new ConfigurationError(`${blockName} option ${option} must be a non-empty string or SecretStr, got ${value === "" ? "an empty string" : typeof value}.`);
}
