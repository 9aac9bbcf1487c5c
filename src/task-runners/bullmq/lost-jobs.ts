import type { Redis } from "ioredis";
import type { CairnRedisKeys } from "./redis-keys.js";

/**
 * For each job id: nothing when its job is waiting, running or delayed; its failed reason
 * when BullMQ failed it; "" when its job is gone from Redis.
 */
const FIND_LOST_JOBS = `
local out = {}
for _, id in ipairs(ARGV) do
  local key = KEYS[1] .. id
  if redis.call("EXISTS", key) == 0 then
    out[#out + 1] = id
    out[#out + 1] = ""
  else
    local fields = redis.call("HMGET", key, "finishedOn", "failedReason")
    if fields[1] and fields[2] then
      out[#out + 1] = id
      out[#out + 1] = fields[2]
    end
  end
end
return out`;

/** A job that will bring no reply: BullMQ failed it (`failedReason`), or it is gone (`failedReason` undefined). */
export interface LostJob {
  readonly jobId: string;
  readonly failedReason: string | undefined;
}

/**
 * Which of these jobs will never be replied to: failed by BullMQ outside a worker's
 * processing (or by a worker that could not reply), or gone from Redis (removed, the queue
 * cleared). One script run: the ids are checked where they are.
 *
 * @example
 * ```ts
 * for (const { jobId, failedReason } of await findLostJobs(redis, keys, ids)) ...
 * ```
 */
export async function findLostJobs(redis: Redis, keys: CairnRedisKeys, jobIds: readonly string[]): Promise<LostJob[]> {
  if (jobIds.length === 0) return [];
  const flat = (await redis.eval(FIND_LOST_JOBS, 1, keys.jobPrefix, ...jobIds)) as string[];
  const lost: LostJob[] = [];
  for (let i = 0; i < flat.length; i += 2) lost.push({ jobId: flat[i]!, failedReason: flat[i + 1] === "" ? undefined : flat[i + 1] });
  return lost;
}
