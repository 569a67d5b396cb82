/**
 * The job runner's Redis: found as everything else finds it (src/services discovery: REDIS_URL,
 * else the machine's 127.0.0.1:6379, else the project-local server `wsp services up` starts),
 * connected the way BullMQ needs (`maxRetriesPerRequest: null`: its blocking commands must wait
 * for a reconnect rather than fail), and checked for `maxmemory-policy noeviction` before a
 * worker starts: under any other policy Redis may evict a job's keys, which loses the job.
 */
import { Redis } from "ioredis";
import { discoverRedis } from "../src/services";
import { maskUrl } from "../src/store";
import { queuePrefix } from "./queues";

export interface ConnectionOptions {
  /** Redis URL; default REDIS_URL, else discovered (see above). */
  redisUrl?: string;
  /** Queue key prefix; default WSP_QUEUE_PREFIX, else `wsp`. */
  prefix?: string;
}

/** What a Queue, Worker or QueueEvents is built with. */
export interface JobsConnection {
  url: string;
  prefix: string;
  redis: Redis;
}

/** The Redis URL to use: the given one (an error when it does not answer), else discovery's. */
export async function jobsRedisUrl(redisUrl?: string): Promise<string> {
  const found = await discoverRedis(
    redisUrl === undefined ? {} : { configured: redisUrl, configuredBy: "the Redis URL given (--redis)" },
  );
  return found.url;
}

/** A BullMQ-ready ioredis connection. */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

export async function openConnection(opts: ConnectionOptions = {}): Promise<JobsConnection> {
  const prefix = queuePrefix(opts.prefix);
  const url = await jobsRedisUrl(opts.redisUrl);
  return { url, prefix, redis: redisConnection(url) };
}

/**
 * Throws unless the server evicts nothing. Read from INFO (managed Redis services often disable
 * CONFIG); a server that reports no policy (older than 2.8) is taken at its documented default,
 * noeviction.
 */
export async function checkNoEviction(redis: Redis, url: string): Promise<void> {
  const info = await redis.info("memory");
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? "noeviction";
  if (policy !== "noeviction") {
    throw new Error(
      `Redis at ${maskUrl(url)} runs maxmemory-policy ${policy}; BullMQ needs noeviction (an evicted job key is a lost job). ` +
        "Set `maxmemory-policy noeviction` in its redis.conf, or run `redis-cli CONFIG SET maxmemory-policy noeviction`, " +
        "or point REDIS_URL at a server that does",
    );
  }
}

/** The pub/sub channel on which `wsp jobs cancel` asks workers to stop an active job. */
export function cancelChannel(prefix: string): string {
  return `${prefix}:wsp:cancel`;
}
