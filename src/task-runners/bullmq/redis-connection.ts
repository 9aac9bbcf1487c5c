import type { ConnectionOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { redactUrlPassword } from "../../settings/index.js";
import { DistributedError, DistributedErrorCode } from "./distributed-error.js";

/** Where Redis is: a `redis://` / `rediss://` URL, or ioredis options (`{ host, port, password, tls, ... }`). */
export type RedisConnectionOption = string | RedisOptions;

/** The default Redis when nothing names one. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** A Redis connection option, resolved: the options BullMQ and ioredis take, and a label for messages. */
export interface ResolvedRedis {
  /** The URL, password hidden (e.g. `redis://:********@cache:6379`), for messages and listings. */
  readonly label: string;
  /** Options for BullMQ's `connection` (a `url` field when a URL was given). */
  readonly options: RedisOptions & { url?: string };
}

/**
 * Resolves a connection option: a URL is checked; ioredis options are taken as they are.
 *
 * @example
 * ```ts
 * resolveRedis("redis://127.0.0.1:6379").label; // "redis://127.0.0.1:6379"
 * ```
 */
export function resolveRedis(connection: RedisConnectionOption): ResolvedRedis {
  if (typeof connection === "string") {
    if (!URL.canParse(connection) || !/^rediss?:$/.test(new URL(connection).protocol)) {
      throw new DistributedError(
        DistributedErrorCode.InvalidWorkerOptions,
        `The Redis connection ${JSON.stringify(redactUrlPassword(connection))} is not a redis:// or rediss:// URL. ` +
          'Pass a URL such as "redis://127.0.0.1:6379", or ioredis options such as { host: "127.0.0.1", port: 6379 }.',
      );
    }
    return { label: redactUrlPassword(connection), options: { url: connection } };
  }
  const scheme = connection.tls === undefined ? "redis" : "rediss";
  const auth = connection.password === undefined ? "" : `${connection.username ?? ""}:********@`;
  const label = `${scheme}://${auth}${connection.host ?? "127.0.0.1"}:${connection.port ?? 6379}${connection.db ? `/${connection.db}` : ""}`;
  return { label, options: { ...connection } };
}

/** The `connection` option of BullMQ's classes for this Redis (BullMQ opens its own clients from it). */
export function bullmqConnection(redis: ResolvedRedis, timeoutMs: number): ConnectionOptions {
  return { ...redis.options, connectTimeout: timeoutMs } as ConnectionOptions;
}

/**
 * Opens a command connection and waits until Redis answers; rejects within `timeoutMs`
 * with a {@link DistributedError} (`REDIS_UNREACHABLE`) naming the URL. Commands on the
 * returned client fail (instead of waiting forever) while Redis is down.
 *
 * @example
 * ```ts
 * const redis = await openRedis(resolveRedis("redis://127.0.0.1:6379"), { timeoutMs: 5000, purpose: "submit task runs" });
 * ```
 */
export async function openRedis(redis: ResolvedRedis, options: { timeoutMs: number; purpose: string }): Promise<Redis> {
  const { url, ...rest } = redis.options;
  const config: RedisOptions = {
    ...rest,
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  const client = url === undefined ? new Redis(config) : new Redis(url, config);
  let lastError: Error | undefined;
  const onError = (error: Error): void => {
    lastError = error;
  };
  client.on("error", onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${options.timeoutMs / 1000} s`)), options.timeoutMs);
      }),
    ]);
    return client;
  } catch (error) {
    client.disconnect();
    throw redisUnreachable(redis, options.purpose, lastError ?? error);
  } finally {
    clearTimeout(timer);
  }
}

/** The error for a Redis that does not answer. */
export function redisUnreachable(redis: ResolvedRedis, purpose: string, cause: unknown): DistributedError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DistributedError(
    DistributedErrorCode.RedisUnreachable,
    `Cannot reach Redis at ${redis.label} to ${purpose}: ${reason}. ` +
      "Start Redis there, or point Cairn at the right one (the BullMQTaskRunner connection option, " +
      "`cairn worker start --redis URL`, or CAIRN_WORKER_REDIS_URL).",
    { cause, context: { redis: redis.label } },
  );
}
