/**
 * `wsp jobs list|show|watch|retry|cancel|logs` and `wsp queues`: the queues' jobs as BullMQ
 * keeps them (a job id is unique within its queue; `<queue>/<id>` names one when two queues
 * share an id). Results live in MLflow; these read the job records, which are removed after a
 * while (queues.ts, DEFAULT_JOB_OPTIONS).
 */
import type { Command } from "commander";
import { type Job, type JobState, Queue } from "bullmq";
import { cancelChannel, type ConnectionOptions, type JobsConnection, openConnection } from "./connection";
import { isQueueName, parseQueueList, QUEUE_NAMES, type QueueName } from "./queues";
import { openJob } from "./submit";
import { describeResult, followJob } from "./watch";

const STATES = [
  "active",
  "waiting",
  "prioritized",
  "delayed",
  "waiting-children",
  "completed",
  "failed",
] as const satisfies readonly JobState[];

export interface ConnectionFlags {
  redis?: string;
  prefix?: string;
}
type Flags = ConnectionFlags;

const connectionOf = (f: Flags): ConnectionOptions => ({ redisUrl: f.redis, prefix: f.prefix });

async function withQueues<T>(
  flags: Flags,
  names: readonly QueueName[],
  fn: (queues: Map<QueueName, Queue>, conn: JobsConnection) => Promise<T>,
): Promise<T> {
  const conn = await openConnection(connectionOf(flags));
  const queues = new Map(names.map((n) => [n, new Queue(n, { connection: conn.redis, prefix: conn.prefix })]));
  try {
    return await fn(queues, conn);
  } finally {
    await Promise.all([...queues.values()].map((q) => q.close()));
    conn.redis.disconnect();
  }
}

/** `train/abc` or `abc` (searched in every queue): the job, or an error saying where it was looked for. */
async function findJob(queues: Map<QueueName, Queue>, ref: string): Promise<{ queue: QueueName; job: Job }> {
  const slash = ref.indexOf("/");
  const only = slash > 0 ? ref.slice(0, slash) : null;
  const id = slash > 0 ? ref.slice(slash + 1) : ref;
  if (only !== null && !isQueueName(only)) throw new Error(`'${ref}': no queue '${only}' (${QUEUE_NAMES.join(", ")})`);
  for (const [name, queue] of queues) {
    if (only !== null && name !== only) continue;
    const job = await queue.getJob(id);
    if (job) return { queue: name, job };
  }
  throw new Error(
    `no job '${id}' in ${only ?? QUEUE_NAMES.join(", ")} (finished jobs are removed after a while; MLflow keeps their runs)`,
  );
}

function ago(ms: number | undefined): string {
  if (!ms) return "";
  const s = Math.round((Date.now() - ms) / 1000);
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

function progressText(p: unknown): string {
  if (typeof p === "number") return `${p}%`;
  if (p !== null && typeof p === "object" && "percent" in p) {
    const pp = p as { percent: number; phase: string };
    return `${pp.percent}% ${pp.phase}`;
  }
  return "";
}

async function list(flags: Flags & { queue?: string; state?: string; limit: string }): Promise<void> {
  const names = flags.queue ? parseQueueList(flags.queue) : QUEUE_NAMES;
  const states = flags.state ? flags.state.split(",") : [...STATES];
  const bad = states.filter((s) => !(STATES as readonly string[]).includes(s));
  if (bad.length > 0) throw new Error(`--state '${bad.join(",")}': expected any of ${STATES.join(", ")}`);
  const limit = Number(flags.limit);
  await withQueues(flags, names, async (queues) => {
    const rows: string[][] = [];
    for (const [name, queue] of queues) {
      for (const job of await queue.getJobs(states as JobState[], 0, limit - 1)) {
        const state = await job.getState();
        const note = job.failedReason ? job.failedReason.split("\n")[0].slice(0, 80) : progressText(job.progress);
        rows.push([name, job.id ?? "", job.name, state, String(job.attemptsMade), ago(job.timestamp), note]);
      }
    }
    const header = ["queue", "id", "name", "state", "attempts", "queued", "progress / failure"];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    for (const r of [header, ...rows])
      console.log(
        r
          .map((cell, c) => cell.padEnd(widths[c]))
          .join("  ")
          .trimEnd(),
      );
  });
}

async function show(ref: string, flags: Flags): Promise<void> {
  await withQueues(flags, QUEUE_NAMES, async (queues) => {
    const { queue, job } = await findJob(queues, ref);
    const data = { ...job.data } as Record<string, unknown>;
    // Inline YAML is long; the run logs it as config.yaml.
    const config = data.config as { yaml?: string; file?: string } | undefined;
    if (config?.yaml) data.config = { file: config.file, yaml: `(${config.yaml.split("\n").length} lines)` };
    const lines = [
      `job ${queue}/${job.id} (${job.name}): ${await job.getState()}`,
      `  attempts: ${job.attemptsMade} of ${job.opts.attempts ?? 1} (started ${job.attemptsStarted})`,
      `  queued: ${new Date(job.timestamp).toISOString()}`,
      job.processedOn ? `  started: ${new Date(job.processedOn).toISOString()}` : "",
      job.finishedOn ? `  finished: ${new Date(job.finishedOn).toISOString()}` : "",
      job.progress ? `  progress: ${progressText(job.progress)}` : "",
      `  payload: ${JSON.stringify(data)}`,
      job.returnvalue !== null && job.returnvalue !== undefined ? `  result:\n${describeResult(job.returnvalue)}` : "",
      job.failedReason ? `  failed: ${job.failedReason}` : "",
    ];
    console.log(lines.filter((l) => l !== "").join("\n"));
  });
}

async function retry(ref: string, flags: Flags): Promise<void> {
  await withQueues(flags, QUEUE_NAMES, async (queues) => {
    const { queue, job } = await findJob(queues, ref);
    const state = await job.getState();
    if (state !== "failed") throw new Error(`job ${queue}/${job.id} is ${state}: only a failed job is retried`);
    // A fresh set of attempts: the retry is a decision to try again, not one more automatic try.
    await job.retry("failed", { resetAttemptsMade: true });
    console.log(`job ${queue}/${job.id} queued again`);
  });
}

/** Waiting jobs are removed; an active one is stopped by its worker (told over Redis pub/sub) and fails without retries. */
async function cancel(ref: string, flags: Flags): Promise<void> {
  await withQueues(flags, QUEUE_NAMES, async (queues, conn) => {
    const { queue, job } = await findJob(queues, ref);
    const state = await job.getState();
    if (state === "active") {
      const told = await conn.redis.publish(cancelChannel(conn.prefix), JSON.stringify({ queue, id: job.id }));
      console.log(`job ${queue}/${job.id} is active: asked ${told} worker(s) to stop it; it fails, not retried`);
    } else if (state === "completed" || state === "failed") {
      throw new Error(`job ${queue}/${job.id} is ${state} already`);
    } else {
      await job.remove();
      console.log(`job ${queue}/${job.id} (${state}) removed`);
    }
  });
}

async function logs(ref: string, flags: Flags): Promise<void> {
  await withQueues(flags, QUEUE_NAMES, async (queues) => {
    const { queue, job } = await findJob(queues, ref);
    const { logs: lines } = await queues.get(queue)!.getJobLogs(job.id as string);
    console.log(lines.length > 0 ? lines.join("\n") : `(no log lines for ${queue}/${job.id})`);
  });
}

async function watch(ref: string, flags: Flags): Promise<void> {
  const found = await withQueues(flags, QUEUE_NAMES, async (queues) => {
    const { queue, job } = await findJob(queues, ref);
    return { queue, id: job.id as string };
  });
  const handle = await openJob(found.queue, found.id, connectionOf(flags));
  if (!handle) throw new Error(`job ${found.queue}/${found.id} was removed`);
  await followJob(handle);
}

async function counts(flags: Flags): Promise<void> {
  await withQueues(flags, QUEUE_NAMES, async (queues) => {
    const header = ["queue", ...STATES];
    const rows: string[][] = [];
    for (const [name, queue] of queues) {
      const c = await queue.getJobCounts(...STATES);
      rows.push([name, ...STATES.map((s) => String(c[s] ?? 0))]);
    }
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    for (const r of [header, ...rows])
      console.log(
        r.map((cell, c) => cell.padStart(c === 0 ? 0 : widths[c]).padEnd(c === 0 ? widths[c] : 0)).join("  "),
      );
  });
}

export function withConnection(cmd: Command): Command {
  return cmd
    .option("--redis <url>", "Redis URL (default: REDIS_URL, else 127.0.0.1:6379, else the project-local server)")
    .option("--prefix <name>", "queue key prefix (default: WSP_QUEUE_PREFIX, else wsp)");
}

export function registerJobsCommands(program: Command): void {
  const jobs = program.command("jobs").description("queued jobs: list, inspect, follow, retry, cancel");
  withConnection(jobs.command("list").description("jobs by queue and state"))
    .option("--queue <list>", "comma-separated queues (default: all)")
    .option("--state <list>", `comma-separated states (default: all: ${STATES.join(", ")})`)
    .option("--limit <n>", "jobs per queue", "50")
    .action(list);
  const one = (name: string, what: string, fn: (ref: string, f: Flags) => Promise<void>) =>
    withConnection(jobs.command(name).description(what).argument("<job>", "job id, or <queue>/<id>")).action(fn);
  one("show", "a job's state, attempts, payload, result or failure", show);
  one("watch", "follow a job with a progress bar until it finishes (exit 1 if it fails)", watch);
  one("retry", "queue a failed job again, with its attempts reset", retry);
  one("cancel", "remove a waiting job, or stop an active one (it fails, not retried)", cancel);
  one("logs", "the log lines a job wrote (its phases, its outcome)", logs);
  withConnection(program.command("queues").description("job counts per queue and state")).action(counts);
}
