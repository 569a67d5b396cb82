/**
 * After a decision that may have moved a model's aliases (a `promote` or `retrain` job, `wsp
 * promote`): "the registry changed" published on Redis under the queue prefix
 * (serving/registryChanges.ts), so a running forecast service swaps at once. Best effort: a
 * failed publish is reported, never thrown, since the service's registry poll is the guarantee.
 */
import { announceRegistryChange, registryChannel } from "../src/serving";
import { maskUrl } from "../src/store";
import { redisConnection } from "./connection";
import { reachableRedis } from "./promotionSchedule";
import { queuePrefix } from "./queues";

/** How long a publish may take before it is given up (the decision is made; the poll will see it). */
const PUBLISH_TIMEOUT_MS = 5_000;

/**
 * Publishes the announcement for `model` on `redisUrl` (default: the first Redis that answers,
 * REDIS_URL alone when set, as a worker's child has it) and `prefix` (default WSP_QUEUE_PREFIX,
 * else `wsp`). Returns a line saying what happened; never throws.
 */
export async function announceModelChange(
  model: string,
  opts: { redisUrl?: string; prefix?: string } = {},
): Promise<{ announced: boolean; line: string }> {
  let prefix: string;
  try {
    prefix = queuePrefix(opts.prefix);
  } catch (err) {
    return { announced: false, line: `registry change of ${model} not announced: ${(err as Error).message}` };
  }
  const url = opts.redisUrl ?? (await reachableRedis());
  if (!url) {
    return {
      announced: false,
      line: `registry change of ${model} not announced: no Redis answers (forecast services see it at their next registry poll)`,
    };
  }
  const redis = redisConnection(url);
  // A connection error is the publish's failure, reported below; without a listener ioredis would throw it.
  redis.on("error", () => undefined);
  try {
    await Promise.race([
      announceRegistryChange(redis, prefix, model),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer in ${PUBLISH_TIMEOUT_MS} ms`)), PUBLISH_TIMEOUT_MS).unref(),
      ),
    ]);
    return { announced: true, line: `announced the registry change of ${model} on ${registryChannel(prefix)}` };
  } catch (err) {
    return {
      announced: false,
      line: `registry change of ${model} not announced on ${maskUrl(url)} ${registryChannel(prefix)}: ${(err as Error).message} (forecast services see it at their next registry poll)`,
    };
  } finally {
    redis.disconnect();
  }
}
