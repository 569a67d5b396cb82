/**
 * A sweep queued as a BullMQ flow (`FlowProducer`): one `train` child per variant (each under its
 * own content key, so it records one run however often it is retried) and a parent `select` job
 * that runs once they have all completed and reads their run ids with `job.getChildrenValues()`.
 * A child that fails for good fails the sweep (`failParentOnFailure`): select needs every variant.
 *
 * The parent's id is `select-<hash of the children's keys>`, so the same sweep (config, data,
 * code) submitted again returns the queued or finished flow. Expansion and the keys are computed
 * here, so a bad sweep fails at submission, naming the sweep block's path.
 */
import { createHash } from "node:crypto";
import { FlowProducer, Queue } from "bullmq";
import { expandSweep, type LoadedConfig, loadConfigFile, type SweepJobResult, trainKeyOf } from "../src/pipeline";
import { openConnection } from "./connection";
import { QUEUES } from "./queues";
import { JobHandle, type SubmitOptions } from "./submit";

export interface SweepSubmitOptions extends SubmitOptions {
  /** Overrides the config's `sweep.max_variants` (the refusal line for absurd sizes). */
  maxVariants?: number;
}

/** Queues the sweep of `config` (a path or a loaded config with a `sweep:` block); the handle is its select job's. */
export async function submitSweep(
  config: string | LoadedConfig,
  opts: SweepSubmitOptions = {},
): Promise<JobHandle<SweepJobResult>> {
  const template = typeof config === "string" ? loadConfigFile(config) : config;
  const plan = expandSweep(template, { maxVariants: opts.maxVariants });
  const keys: string[] = [];
  for (const v of plan.variants) keys.push(await trainKeyOf(v.loaded));
  const key = `select-${createHash("sha256").update(keys.join("\n")).digest("hex").slice(0, 32)}`;
  const conn = await openConnection(opts);
  const queue = new Queue("select", { connection: conn.redis, prefix: conn.prefix });
  try {
    const found = await queue.getJob(key);
    if (found) return new JobHandle<SweepJobResult>(queue, found, true, conn.redis);
    const flow = new FlowProducer({ connection: conn.redis, prefix: conn.prefix });
    const node = await flow
      .add({
        name: plan.sweepId,
        queueName: "select",
        data: {
          config: { yaml: template.text, file: template.file },
          sweepId: plan.sweepId,
          maxVariants: opts.maxVariants,
        },
        opts: { ...QUEUES.select.jobOptions, ...opts.jobOptions, jobId: key },
        children: plan.variants.map((v, i) => ({
          name: v.loaded.config.name,
          queueName: "train",
          data: { config: { yaml: v.loaded.text, file: v.loaded.file }, key: keys[i], png: opts.png ?? true },
          opts: { ...QUEUES.train.jobOptions, ...opts.jobOptions, jobId: keys[i], failParentOnFailure: true },
        })),
      })
      .finally(() => flow.close());
    return new JobHandle<SweepJobResult>(queue, node.job, false, conn.redis);
  } catch (err) {
    await queue.close();
    conn.redis.disconnect();
    throw err;
  }
}
