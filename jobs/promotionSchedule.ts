/**
 * After a promotion that leaves a champion with a promoted config (`wsp promote`, the promote
 * job, a retrain that moved the champion): its retrain scheduler, upserted from the file
 * (schedules.ts). `wsp promote` schedules only when a Redis already answers (REDIS_URL, else the
 * machine's, else the project-local one): a promotion starts no server, and `wsp schedules resume
 * <model>` sets the scheduler later.
 */
import { Queue } from "bullmq";
import { describeSchedule, readPromotedConfig } from "../src/pipeline";
import { localRedisUrl, redisAnswers } from "../src/services";
import { redisConnection } from "./connection";
import { queuePrefix } from "./queues";
import { schedulerId, upsertSchedule } from "./schedules";

/** The first Redis that answers now (REDIS_URL alone when set), or null. */
export async function reachableRedis(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const candidates = env.REDIS_URL ? [env.REDIS_URL] : ["redis://127.0.0.1:6379", localRedisUrl()];
  for (const url of candidates) if (await redisAnswers(url, 1000)) return url;
  return null;
}

/** Upserts the scheduler of the promoted config at `path` (model: the file's name); a line saying what happened. */
export async function scheduleChampion(
  path: string,
  opts: { redisUrl?: string; prefix?: string } = {},
): Promise<string> {
  const promoted = readPromotedConfig(path);
  const id = schedulerId(promoted.name);
  const url = opts.redisUrl ?? (await reachableRedis());
  if (!url) {
    return `no Redis answers (REDIS_URL, 127.0.0.1:6379, the project-local one): ${id} is not scheduled; \`wsp schedules resume ${promoted.name}\` sets it once one runs`;
  }
  const connection = redisConnection(url);
  const queue = new Queue("retrain", { connection, prefix: queuePrefix(opts.prefix) });
  try {
    return (await upsertSchedule(queue, promoted))
      ? `scheduled ${id}: ${describeSchedule(promoted.schedule)}`
      : `${id} stays paused (schedule.paused in ${path})`;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
