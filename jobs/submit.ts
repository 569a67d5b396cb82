/**
 * Submitting work, for `wsp submit` and notebooks: `submit(config)` queues a train job under its
 * content key (pipeline/jobKey.ts) and returns a handle: progress events by pipeline phase,
 * `await handle.result()`, and the MLflow run's link. The same config, data and code submitted
 * again returns the existing job (BullMQ keeps one job per id), or, once its record is gone, a
 * job that finds the FINISHED run by its key and returns it without running.
 *
 * Notebooks load this module through tslab as CommonJS: no import.meta, no top-level await.
 */
import { EventEmitter } from "node:events";
import { type Job, type JobsOptions, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { type LoadedConfig, loadConfigFile, type ScoreSummary, type TrainJobResult, trainKeyOf } from "../src/pipeline";
import { type ConnectionOptions, openConnection } from "./connection";
import type { PhaseProgress } from "./processorKit";
import { forecastPayload, type PayloadInput, QUEUES, type QueueName } from "./queues";

export interface SubmitOptions extends ConnectionOptions {
  /** Job options over the queue's defaults (attempts, backoff, priority, …). */
  jobOptions?: JobsOptions;
  /** A train job renders PNGs of its key figures (default true, as `wsp run`). */
  png?: boolean;
}

/** A queued job: its id, whether it was already there, its progress and its result. */
export class JobHandle<R = unknown> extends EventEmitter {
  private events: { listener: QueueEvents; redis: Redis } | null = null;

  constructor(
    readonly queue: Queue,
    readonly job: Job,
    /** True when the job existed already (the same work submitted before). */
    readonly existing: boolean,
    private readonly redis: Redis,
  ) {
    super();
  }

  get id(): string {
    return this.job.id as string;
  }

  /** Starts listening for progress events (`on("progress", p => …)` with a PhaseProgress). */
  async watch(): Promise<this> {
    if (this.events) return this;
    // Read from the stream's newest event on: QueueEvents' default ("$", whatever arrives after its
    // first blocking read) would miss a job that finishes in between, and waitUntilFinished's
    // check of the job's state happens before that read.
    const [newest] = await this.redis.xrevrange(this.queue.keys.events, "+", "-", "COUNT", 1);
    // A connection of its own (QueueEvents blocks on it), closed by close(): BullMQ leaves a given one open.
    const redis = this.redis.duplicate();
    const listener = new QueueEvents(this.queue.name, {
      connection: redis,
      prefix: this.queue.opts.prefix,
      lastEventId: newest?.[0] ?? "0-0",
    });
    listener.on("progress", ({ jobId, data }) => {
      if (jobId === this.id) this.emit("progress", data as PhaseProgress);
    });
    this.events = { listener, redis };
    await listener.waitUntilReady();
    return this;
  }

  /** The job's return value once it completes; rejects with its failure reason when it fails for good. */
  async result(): Promise<R> {
    await this.watch();
    try {
      return (await this.job.waitUntilFinished((this.events as { listener: QueueEvents }).listener)) as R;
    } finally {
      await this.close();
    }
  }

  /** The state now: waiting, active, completed, failed, delayed, … ("unknown" once removed). */
  state(): Promise<string> {
    return this.job.getState();
  }

  async close(): Promise<void> {
    const events = this.events;
    this.events = null;
    await events?.listener.close();
    events?.redis.disconnect();
    await this.queue.close();
    this.redis.disconnect();
  }
}

/** The MLflow run link of a finished train job's result. */
export function runLinkOf(result: TrainJobResult): string | null {
  return result.runUrl;
}

/** Adds a job under `jobId`, or returns the job that already has it. */
export async function enqueue<Q extends QueueName>(
  queueName: Q,
  name: string,
  data: PayloadInput<Q>,
  jobId: string | undefined,
  opts: SubmitOptions = {},
): Promise<JobHandle> {
  const conn = await openConnection(opts);
  const queue = new Queue(queueName, { connection: conn.redis, prefix: conn.prefix });
  try {
    const found = jobId === undefined ? undefined : await queue.getJob(jobId);
    const job = found ?? (await queue.add(name, data, { ...QUEUES[queueName].jobOptions, ...opts.jobOptions, jobId }));
    return new JobHandle(queue, job, found !== undefined, conn.redis);
  } catch (err) {
    await queue.close();
    conn.redis.disconnect();
    throw err;
  }
}

/** A handle on a job already in `queueName` (`wsp jobs watch`); null when no job has the id. */
export async function openJob(
  queueName: QueueName,
  id: string,
  opts: ConnectionOptions = {},
): Promise<JobHandle | null> {
  const conn = await openConnection(opts);
  const queue = new Queue(queueName, { connection: conn.redis, prefix: conn.prefix });
  const job = await queue.getJob(id).catch(async (err: unknown) => {
    await queue.close();
    conn.redis.disconnect();
    throw err;
  });
  if (job) return new JobHandle(queue, job, true, conn.redis);
  await queue.close();
  conn.redis.disconnect();
  return null;
}

/**
 * Queues a train job for `config` (a YAML path, or a config loaded in a notebook). The config is
 * validated and its data loaded here (its content hash is part of the key), so a bad config fails
 * at submission; the job carries the YAML itself, so any worker can run it.
 */
export async function submit(
  config: string | LoadedConfig,
  opts: SubmitOptions = {},
): Promise<JobHandle<TrainJobResult>> {
  const loaded = typeof config === "string" ? loadConfigFile(config) : config;
  const key = await trainKeyOf(loaded);
  const payload = { config: { yaml: loaded.text, file: loaded.file }, key, png: opts.png ?? true };
  return (await enqueue("train", loaded.config.name, payload, key, opts)) as JobHandle<TrainJobResult>;
}

/**
 * Queues a forecast job (`wsp submit forecast`, notebooks). The payload is checked here, so a bad
 * field fails at submission and names it; whether the model has a version is the job's to find
 * (it fails at once when none). No job id of its own: the store keeps one signal per ticker, bar
 * and version, so a second job stores only what is new.
 */
export async function submitForecast(
  payload: PayloadInput<"forecast">,
  opts: SubmitOptions = {},
): Promise<JobHandle<ScoreSummary>> {
  const r = forecastPayload.safeParse(payload);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(payload)"}: ${i.message}`);
    throw new Error(`forecast job: ${issues.join("; ")}`);
  }
  return (await enqueue("forecast", r.data.model, r.data, undefined, opts)) as JobHandle<ScoreSummary>;
}
