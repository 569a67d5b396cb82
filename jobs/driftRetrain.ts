/**
 * What a drift check's `onDrift` does in the job runner: a `retrain` of the model from its
 * promoted config (the text in the job, as its `retrain:<model>` scheduler's job has it), with the
 * job id `retrain-drift-<model>-<date of the check, UTC>`, so the checks of one day (a retried
 * check job, the CLI's `--act` beside the scheduler) enqueue one retrain, which BullMQ keeps once.
 */
import { Queue } from "bullmq";
import { promotedDir, promotedPath, readPromotedConfig } from "../src/pipeline";
import { redisConnection } from "./connection";
import { reachableRedis } from "./promotionSchedule";
import { QUEUES, queuePrefix } from "./queues";
import { retrainJobData } from "./schedules";

export interface DriftRetrainOptions {
  model: string;
  /** The check's time (epoch ms): its UTC date names the job. */
  checkedAt: number;
  /** The store schema the retrain reads bars from (default `public`). */
  schema?: string;
  /** Default: REDIS_URL alone when set (a worker's child has it), else the first Redis that answers. */
  redisUrl?: string;
  /** Default: WSP_QUEUE_PREFIX, else `wsp`. */
  prefix?: string;
  /** Where promoted configs are (default WSP_PROMOTED_DIR, else experiments/promoted). */
  promotedDir?: string;
}

export function driftRetrainJobId(model: string, checkedAt: number): string {
  return `retrain-drift-${model}-${new Date(checkedAt).toISOString().slice(0, 10)}`;
}

/** Enqueues the retrain unless a job of that id exists; says which, and the line to log. */
export async function enqueueDriftRetrain(
  opts: DriftRetrainOptions,
): Promise<{ jobId: string; added: boolean; line: string }> {
  const jobId = driftRetrainJobId(opts.model, opts.checkedAt);
  const promoted = readPromotedConfig(promotedPath(opts.promotedDir ?? promotedDir(), opts.model));
  const url = opts.redisUrl ?? (await reachableRedis());
  if (!url) throw new Error(`retrain of ${opts.model} after drift: no Redis answers (REDIS_URL, 127.0.0.1:6379)`);
  const connection = redisConnection(url);
  const queue = new Queue("retrain", { connection, prefix: queuePrefix(opts.prefix) });
  try {
    if (await queue.getJob(jobId)) {
      return { jobId, added: false, line: `retrain ${jobId} after drift is queued already` };
    }
    const data = retrainJobData(promoted, opts.schema ? { schema: opts.schema } : {});
    await queue.add("retrain", data, { ...QUEUES.retrain.jobOptions, jobId });
    return { jobId, added: true, line: `enqueued retrain ${jobId} after drift` };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
