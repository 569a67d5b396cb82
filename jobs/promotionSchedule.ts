/**
 * After a promotion that leaves a champion with a promoted config (`wsp promote`, the promote
 * job, a retrain that moved the champion): its retrain and forecast schedulers, upserted from the
 * file (schedules.ts). `wsp promote` schedules only when a Redis already answers (REDIS_URL, else
 * the machine's, else the project-local one): a promotion starts no server, and `wsp schedules
 * resume <model>` sets the schedulers later.
 */
import { describeSchedule, readPromotedConfig } from "../src/pipeline";
import { localRedisUrl, redisAnswers } from "../src/services";
import { redisConnection } from "./connection";
import { queuePrefix } from "./queues";
import {
  closeScheduleQueues,
  openScheduleQueues,
  SCHEDULE_KINDS,
  scheduleOf,
  schedulerId,
  upsertSchedules,
} from "./schedules";

/** The first Redis that answers now (REDIS_URL alone when set), or null. */
export async function reachableRedis(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const candidates = env.REDIS_URL ? [env.REDIS_URL] : ["redis://127.0.0.1:6379", localRedisUrl()];
  for (const url of candidates) if (await redisAnswers(url, 1000)) return url;
  return null;
}

/**
 * Upserts the schedulers of the promoted config at `path` (model: the file's name); a line per
 * scheduler saying what happened (`scheduled retrain:<model>: 0 2 * * 0 America/New_York`).
 */
export async function scheduleChampion(
  path: string,
  opts: { redisUrl?: string; prefix?: string } = {},
): Promise<string> {
  const promoted = readPromotedConfig(path);
  const ids = SCHEDULE_KINDS.map((k) => schedulerId(k, promoted.name)).join(", ");
  const url = opts.redisUrl ?? (await reachableRedis());
  if (!url) {
    return `no Redis answers (REDIS_URL, 127.0.0.1:6379, the project-local one): ${ids} not scheduled; \`wsp schedules resume ${promoted.name}\` sets them once one runs`;
  }
  const connection = redisConnection(url);
  const queues = openScheduleQueues(connection, queuePrefix(opts.prefix));
  try {
    const placed = await upsertSchedules(queues, promoted);
    return SCHEDULE_KINDS.map((k) =>
      placed[k]
        ? `scheduled ${schedulerId(k, promoted.name)}: ${describeSchedule(scheduleOf(k, promoted))}`
        : `${schedulerId(k, promoted.name)} stays paused (paused in ${path})`,
    ).join("\n");
  } finally {
    await closeScheduleQueues(queues);
    connection.disconnect();
  }
}
