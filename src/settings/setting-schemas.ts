import { z } from "zod";
import { isDatabaseUrl } from "./database-url.js";
import type { LoggingLevel } from "./setting-values.js";

/**
 * Zod schemas that parse a setting from its text (an environment variable or a profile value).
 * Every schema trims surrounding whitespace first.
 */

/** Non-empty text. */
export const textSchema = z.string().trim().min(1);

/** A key or token: text without spaces. */
export const keySchema = z.string().trim().regex(/^\S+$/);

/** 32 bytes in base64 (44 characters), e.g. the output of `openssl rand -base64 32`. */
export const secretKeySchema = z.string().trim().regex(/^[A-Za-z0-9+/]{43}=?$/);

/** `true/false/1/0/yes/no`, case-insensitive. */
export const booleanSchema = z
  .string()
  .trim()
  .pipe(z.stringbool({ truthy: ["true", "1", "yes"], falsy: ["false", "0", "no"], case: "insensitive" }));

/** An integer TCP port, 1 to 65535. */
export const portSchema = z
  .string()
  .trim()
  .regex(/^\d+$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(65535));

/** A whole number of bytes, 0 to 2^53 - 1 (digits only, e.g. `1048576`). */
export const byteCountSchema = z
  .string()
  .trim()
  .regex(/^\d+$/)
  .transform(Number)
  .pipe(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));

/** A host name or IP address: no scheme, no path, no spaces. */
export const hostSchema = z.string().trim().regex(/^[^\s/]+$/);

/** An `http://` or `https://` URL, without its trailing slashes. */
export const httpUrlSchema = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol))
  .transform((value) => value.replace(/\/+$/, ""));

/** A `redis://` or `rediss://` URL, e.g. `redis://127.0.0.1:6379` or `redis://:password@host:6379/0`. */
export const redisUrlSchema = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol));

/** A BullMQ queue name: letters, digits, `_`, `.` and `-` (no `:`, which BullMQ's keys use). */
export const queueNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/);

/** An integer of at least 1. */
export const positiveIntegerSchema = z
  .string()
  .trim()
  .regex(/^\d+$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER));

/** A number of seconds greater than 0 (fractions allowed). */
export const positiveSecondsSchema = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/)
  .transform(Number)
  .pipe(z.number().positive().finite());

/** A block slug, `"block-type/name"`, e.g. `"s3/prod"` or `"local-file-system/results"`. */
export const blockSlugSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*\/[^/\s]+$/);

/** A profile name: letters, digits, `_`, `.` and `-`, starting with a letter or digit. */
export const profileNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/);

/** A SQLite URL, a plain file path, or a PostgreSQL URL (see `normalizeDatabaseUrl`). */
export const databaseUrlSchema = z.string().trim().refine(isDatabaseUrl);

const LOGGING_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const satisfies readonly LoggingLevel[];

/** A logging level, case-insensitive; `WARN` is read as `WARNING`. */
export const loggingLevelSchema = z
  .string()
  .trim()
  .toUpperCase()
  .transform((value) => (value === "WARN" ? "WARNING" : value))
  .pipe(z.enum(LOGGING_LEVELS));

/**
 * Makes a schema optional: empty text (after trimming) means "not set" and parses to `undefined`.
 *
 * @example
 * ```ts
 * optional(httpUrlSchema).parse(""); // undefined
 * ```
 */
export function optional<T>(schema: z.ZodType<T, string>): z.ZodType<T | undefined, string> {
  return z
    .string()
    .trim()
    .pipe(z.union([z.literal("").transform(() => undefined), schema]));
}
